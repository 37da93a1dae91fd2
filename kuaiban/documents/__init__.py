"""PDF documents (办事指南, 受理回执, reports) rendered with an embedded CJK font.

Describe a document with the dataclasses in :mod:`kuaiban.documents.model` and
turn it into PDF bytes with :func:`kuaiban.documents.render.render_pdf`.
This package does not depend on Django.
"""
