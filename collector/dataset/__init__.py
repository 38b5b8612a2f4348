"""The dataset format: the one module that reads, writes and validates datasets.

reportgen imports this package and nothing else from `collector`.
"""

from collector.dataset.schema import COLUMNS, SAMPLE_SCHEMA, SCHEMA_VERSION, DatasetError, SchemaTooNew
from collector.dataset.store import (
    Dataset,
    Location,
    committed_versions,
    read_dataset,
    resolve,
    uncommitted_versions,
    write_version,
)
from collector.dataset.summary import MedianCI, median_ci

__all__ = [
    "COLUMNS",
    "SAMPLE_SCHEMA",
    "SCHEMA_VERSION",
    "Dataset",
    "DatasetError",
    "Location",
    "MedianCI",
    "SchemaTooNew",
    "committed_versions",
    "median_ci",
    "read_dataset",
    "resolve",
    "uncommitted_versions",
    "write_version",
]
