"""The knowledge base in the API: its entries and dialogue methods, searched as the search page searches.

Public framework content (:mod:`edmonitor.knowledge.views`): every token of a signed-in person
reads it, whatever their roles; it holds no organisation's data, so these routes are not in the
access log (``NOT_LOGGED``). Texts come in the request's language as on the pages (Dutch, or
English where the ``django_language`` cookie asks for it; Dutch where a text is not translated).

The search is the search page's: the same form (:class:`~edmonitor.knowledge.forms.SearchForm`,
``q`` and ``part``) and the same function (:func:`edmonitor.knowledge.search.search`), so the
results and their order are the page's. The page shows the best
:data:`~edmonitor.knowledge.views.SHOWN_HITS`; the API pages through all of them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from edmonitor.knowledge.forms import PARTS, SearchForm
from edmonitor.knowledge.models import DialogueMethod, Entry, Source, SuggestionLink
from edmonitor.knowledge.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, Query, parse, search

from .pagination import Pages
from .views import TokenOnly

METHOD = "method"  # the kind the search gives dialogue methods (and the part "methods" asks for)


def _language() -> str:
    """The search's language: the active one, as the search page takes it."""
    return "en" if (get_language() or "nl").startswith("en") else "nl"


# --- what the API shows -------------------------------------------------------------------------------


class SourceSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text='The seed document, e.g. "004".')
    title = serializers.CharField()
    edition = serializers.CharField()


class KnowledgeItemSerializer(serializers.Serializer[Any]):
    """An entry or a dialogue method in a list or among search results, as the search page shows it."""

    type = serializers.ChoiceField(choices=["entry", METHOD])
    slug = serializers.CharField()
    kind = serializers.CharField(help_text='The entry\'s kind ("core_task", …); "method" for a dialogue method.')
    kind_label = serializers.CharField()
    edition = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    summary = serializers.CharField()
    # fields named "parent" and "source" (DRF takes declared fields off the class; mypy sees Field.parent, .source)
    parent = serializers.CharField(allow_null=True, help_text="The slug of the entry this one is a part of.")  # type: ignore[assignment]
    source = SourceSerializer()  # type: ignore[assignment]
    section = serializers.CharField()
    citation = serializers.CharField(help_text="Source and section as the page cites them.")
    rank = serializers.FloatField(allow_null=True, help_text="A search result's score (higher first); else null.")
    url = serializers.URLField(allow_null=True, help_text="This entry in the API; null for a dialogue method.")
    page = serializers.URLField(help_text="Its page in edmonitor.")


class EntryRefSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    edition = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.URLField()
    page = serializers.URLField()


class MethodRefSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    summary = serializers.CharField()
    page = serializers.URLField()


class ReadingSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    citation = serializers.CharField()


class DifferenceSerializer(serializers.Serializer[Any]):
    topic = serializers.CharField()
    readings = ReadingSerializer(many=True)


class TableRowSerializer(serializers.Serializer[Any]):
    header = serializers.CharField()
    cells = serializers.ListField(child=serializers.CharField(allow_blank=True))


class TableSerializer(serializers.Serializer[Any]):
    caption = serializers.CharField()
    row_header = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = TableRowSerializer(many=True)


class SuggestionSerializer(serializers.Serializer[Any]):
    instrument = serializers.CharField(help_text='"vie" or "mie".')
    item = serializers.CharField(help_text="The VIE item or MIE theme.")
    rationale = serializers.CharField()
    source = serializers.CharField(help_text="The source's title.")  # type: ignore[assignment]
    section = serializers.CharField()


class EntrySerializer(serializers.Serializer[Any]):
    """One entry as its page shows it: its text, its table, its sources, its parts and what it links to."""

    slug = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    edition = serializers.CharField(allow_blank=True)
    audience = serializers.CharField(allow_blank=True)
    audience_label = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField(
        allow_blank=True, help_text='Plain text: blank lines separate paragraphs; lines starting "- " are a list.'
    )
    table = TableSerializer(allow_null=True, help_text="A table of the source, in the reader's language.")
    source = SourceSerializer()  # type: ignore[assignment]
    section = serializers.CharField()
    citation = serializers.CharField(help_text="Source and section as the page cites them.")
    further_citations = serializers.ListField(child=serializers.CharField(), help_text="Text drawn from elsewhere.")
    about_source = serializers.CharField(allow_blank=True, help_text='The page\'s "About the source".')
    differences = DifferenceSerializer(many=True, help_text="Where the sources differ, each reading cited.")
    parent = EntryRefSerializer(allow_null=True)
    children = EntryRefSerializer(many=True, help_text="Its parts.")
    related = EntryRefSerializer(many=True, help_text='"See also".')
    methods = MethodRefSerializer(many=True, help_text="Dialogue methods that help here.")
    suggested_for = SuggestionSerializer(many=True, help_text="Suggested when an organisation scores low on these.")
    url = serializers.URLField()
    page = serializers.URLField()


class QuerySerializer(serializers.Serializer[Any]):
    """The search as it was done (the page says the same things)."""

    text = serializers.CharField(help_text="What was searched, after cutting a long query.")
    words = serializers.ListField(child=serializers.CharField(), help_text="The words searched for.")
    stop_words = serializers.ListField(child=serializers.CharField(), help_text="Very common words, left out.")
    cut = serializers.BooleanField(help_text="The query was longer than the limits and was cut.")
    only_stop_words = serializers.BooleanField(help_text="Nothing was searched: only very common words.")


class SearchPages(Pages):
    """The pages of the list, with the search that was done (null when nothing was searched)."""

    query: Query | None = None

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        query = self.query
        response.data["query"] = (
            None
            if query is None
            else QuerySerializer(
                {
                    "text": query.text,
                    "words": query.words,
                    "stop_words": query.stop_words,
                    "cut": query.cut,
                    "only_stop_words": query.only_stop_words,
                }
            ).data
        )
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["query"] = {
            "type": "object",
            "nullable": True,
            "description": "The search as it was done; null when nothing was searched.",
            "properties": {
                "text": {"type": "string"},
                "words": {"type": "array", "items": {"type": "string"}},
                "stop_words": {"type": "array", "items": {"type": "string"}},
                "cut": {"type": "boolean"},
                "only_stop_words": {"type": "boolean"},
            },
        }
        paginated["required"] = [*paginated.get("required", []), "query"]
        return paginated


# --- building the answers ---------------------------------------------------------------------------------


def _source(source: Source) -> dict[str, str]:
    return {"key": source.key, "title": source.title, "edition": source.edition}


def _citation(source: Source, section: str) -> str:
    """As the pages cite: "Title (edition), section"."""
    return f"{source.title} ({source.edition}), {section}"


def _absolute(request: Request, path: str) -> str:
    return request.build_absolute_uri(path)


def _entry_url(request: Request, entry: Entry) -> str:
    return _absolute(request, reverse("api_knowledge_entry", args=[entry.slug]))


def _item(request: Request, obj: Entry | DialogueMethod, rank: float | None, parents: dict[int, str]) -> dict[str, Any]:
    """A list row (the search page's result line) for an entry or a method."""
    if isinstance(obj, Entry):
        return {
            "type": "entry",
            "slug": obj.slug,
            "kind": obj.kind,
            "kind_label": obj.kind_label,
            "edition": obj.edition,
            "title": obj.text("title"),
            "summary": obj.text("summary"),
            "parent": parents.get(obj.parent_id) if obj.parent_id else None,
            "source": _source(obj.source),
            "section": obj.section,
            "citation": _citation(obj.source, obj.section),
            "rank": rank,
            "url": _entry_url(request, obj),
            "page": _absolute(request, obj.get_absolute_url()),
        }
    return {
        "type": METHOD,
        "slug": obj.slug,
        "kind": METHOD,
        "kind_label": _("Dialogue method"),
        "edition": "",
        "title": obj.text("name"),
        "summary": obj.text("summary"),
        "parent": None,
        "source": _source(obj.source),
        "section": obj.section,
        "citation": _citation(obj.source, obj.section),
        "rank": rank,
        "url": None,
        "page": _absolute(request, obj.get_absolute_url()),
    }


def _entry_ref(request: Request, entry: Entry) -> dict[str, Any]:
    return {
        "slug": entry.slug,
        "kind": entry.kind,
        "kind_label": entry.kind_label,
        "edition": entry.edition,
        "title": entry.text("title"),
        "summary": entry.text("summary"),
        "url": _entry_url(request, entry),
        "page": _absolute(request, entry.get_absolute_url()),
    }


# --- the routes ------------------------------------------------------------------------------------------


class KnowledgeList(TokenOnly, generics.ListAPIView[Any]):
    serializer_class = KnowledgeItemSerializer
    pagination_class = SearchPages

    @extend_schema(
        summary="The knowledge base, or a search in it",
        description=(
            "Without q: every entry (by kind, edition, order) and then every dialogue method. With q: what the "
            "search page finds for it, in the same order (best first), including dialogue methods; word forms and "
            f"accents do not matter, very common words are left out, a query is cut to {MAX_QUERY_WORDS} words and "
            f"{MAX_QUERY_CHARS} characters (see query in the answer). part narrows the list or the search to one "
            "part, as on the search page."
        ),
        tags=["knowledge"],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What to search for."),
            OpenApiParameter("part", OpenApiTypes.STR, enum=list(PARTS), description="One part of the knowledge base."),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            return Response(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        kinds = form.kinds()
        rows: Sequence[tuple[Entry | DialogueMethod, float | None]]
        query = None
        if form.cleaned_data["q"].strip():  # as the search page: an empty query searches nothing
            query = parse(form.cleaned_data["q"], _language())
            rows = [(hit.obj, hit.rank) for hit in search(query, _language(), kinds)]
        else:
            entries = Entry.objects.select_related("source").order_by("kind", "edition", "order", "slug")
            methods = DialogueMethod.objects.select_related("source").order_by("order", "slug")
            if kinds is not None:
                entries = entries.filter(kind__in=kinds)
            rows = [
                *((entry, None) for entry in entries),
                *((method, None) for method in (methods if kinds is None or METHOD in kinds else [])),
            ]
        paginator = self.paginator
        assert isinstance(paginator, SearchPages)
        paginator.query = query
        page = paginator.paginate_queryset(rows, request, view=self) or []
        parent_ids = {obj.parent_id for obj, _rank in page if isinstance(obj, Entry) and obj.parent_id}
        parents = dict(Entry.objects.filter(pk__in=parent_ids).values_list("pk", "slug"))
        data = KnowledgeItemSerializer([_item(request, obj, rank, parents) for obj, rank in page], many=True).data
        return paginator.get_paginated_response(data)


class KnowledgeEntry(TokenOnly, generics.GenericAPIView[Any]):
    serializer_class = EntrySerializer

    @extend_schema(
        summary="One entry of the knowledge base",
        description="Its text, table and sources, its parts, and what its page links to.",
        tags=["knowledge"],
    )
    def get(self, request: Request, slug: str) -> Response:
        # The same rows as the entry's page (edmonitor.knowledge.views.knowledge_entry).
        entry = get_object_or_404(Entry.objects.select_related("source", "parent"), slug=slug)
        children = entry.children.select_related("source")
        related = Entry.objects.filter(Q(related=entry) | Q(entry=entry)).exclude(pk=entry.pk).distinct()
        methods = DialogueMethod.objects.filter(Q(core_tasks=entry) | Q(critical_situations=entry)).distinct()
        suggested_for = SuggestionLink.objects.filter(entry=entry).select_related("source")
        data = OrderedDict(
            slug=entry.slug,
            kind=entry.kind,
            kind_label=entry.kind_label,
            edition=entry.edition,
            audience=entry.audience,
            audience_label=entry.audience_label,
            title=entry.text("title"),
            summary=entry.text("summary"),
            body=entry.text("body"),
            table=entry.table_view(),
            source=_source(entry.source),
            section=entry.section,
            citation=_citation(entry.source, entry.section),
            further_citations=entry.further_citations(),
            about_source=entry.text("about_source"),
            differences=entry.differences(),
            parent=_entry_ref(request, entry.parent) if entry.parent else None,
            children=[_entry_ref(request, child) for child in children],
            related=[_entry_ref(request, other) for other in related],
            methods=[
                {
                    "slug": m.slug,
                    "name": m.text("name"),
                    "summary": m.text("summary"),
                    "page": _absolute(request, m.get_absolute_url()),
                }
                for m in methods
            ],
            suggested_for=[
                {
                    "instrument": link.instrument,
                    "item": link.item,
                    "rationale": link.text("rationale"),
                    "source": link.source.title,
                    "section": link.section,
                }
                for link in suggested_for
            ],
            url=_entry_url(request, entry),
            page=_absolute(request, entry.get_absolute_url()),
        )
        return Response(EntrySerializer(data).data)
