"""The analyst workbench (``talentkg workbench``): a local, read-only web app over the knowledge graph."""

from __future__ import annotations


def create_app(kg=None, graph=None):
    from talentkg.web.app import create_app as _create

    return _create(kg=kg, graph=graph)
