"""Template filters of the knowledge base: bilingual fields and plain-text prose."""

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from edmonitor.knowledge.glossary import glossary_terms, link_first_uses

register = template.Library()


@register.filter
def text(obj, name):
    """``{{ entry|text:"summary" }}``: the field in the active language (Dutch where not translated)."""
    return obj.text(name) if obj is not None else ""


@register.filter
def prose(value: str) -> SafeString:
    """Plain text as HTML: blank lines separate paragraphs; lines starting with "- " become a list."""
    parts = []
    for block in (b.strip() for b in str(value).split("\n\n")):
        if not block:
            continue
        lines = block.splitlines()
        if all(line.lstrip().startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line.lstrip()[2:],) for line in lines))
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return mark_safe("".join(parts))  # every piece of text was escaped above


@register.filter
def roles_with(method, use: str) -> list[str]:
    """``{{ method|roles_with:"required" }}``: the roles the method's source gives that use, lower case."""
    return method.roles_with(use)


class GlossaryNode(template.Node):
    def __init__(self, nodelist: template.NodeList, current: str | None) -> None:
        self.nodelist = nodelist
        self.current = template.Variable(current) if current else None

    def render(self, context: template.Context) -> str:
        html = self.nodelist.render(context)
        current = self.current.resolve(context) if self.current else None
        return link_first_uses(html, glossary_terms(get_language(), exclude=getattr(current, "slug", None)))


@register.tag("glossary")
def glossary(parser: template.base.Parser, token: template.base.Token) -> GlossaryNode:
    """``{% glossary entry %}…{% endglossary %}``: the first use of each Begrippenlijst term links to it.

    The optional argument is the page's own entry or method (a term's page does not link to itself).
    """
    bits = token.split_contents()
    nodelist = parser.parse(("endglossary",))
    parser.delete_first_token()
    return GlossaryNode(nodelist, bits[1] if len(bits) > 1 else None)
