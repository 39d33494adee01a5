"""The print packet: one A4 PDF with the declaration, the tier pages and the evidence copies.

Reads as a pipeline (`pipeline.assemble_packet`): plan pages → render forms → prepare scans → stamp →
merge → sanitize → verify → atomic rename. Plain data in (ApplicationData, FormSet, Reference and a
way to find blob files); no storage, scans or Qt imports.
"""
