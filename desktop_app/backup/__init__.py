"""Yearly backup archives: write, verify, extract safely, encrypt. Standard library and `cryptography` only.

The archive is a plain zip anyone can open; storage, scans and packet are never imported here
(desktop_app.usecases.backup joins them).
"""
