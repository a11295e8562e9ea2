"""Readers that turn inputs (files, folders, JSONL, manifests) into RawDocuments."""

from storyline.ingest.files import (
    apply_manifest,
    iter_input_files,
    missing_manifest_entries,
    read_documents,
    read_manifest,
)

__all__ = [
    "apply_manifest",
    "iter_input_files",
    "missing_manifest_entries",
    "read_documents",
    "read_manifest",
]
