from django.urls import path

from . import views

urlpatterns = [
    path("kennisbank/", views.knowledge_index, name="knowledge"),
    path("kennisbank/zoeken/", views.knowledge_search, name="knowledge_search"),
    path("kennisbank/werkvormen/", views.method_list, name="knowledge_methods"),
    path("kennisbank/werkvormen/<slug:slug>/", views.method_detail, name="knowledge_method"),
    path("kennisbank/<slug:slug>/", views.knowledge_entry, name="knowledge_entry"),
]
