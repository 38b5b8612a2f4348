"""The dataset contract: the one package that reads, writes and validates datasets.

Its public facade is this module: reportgen imports these names and nothing
else from `collector`. Besides files and schema it holds the rules every
reader shares: the statistics (`statistics`), the metric catalogue
(`metrics`) and how values are written per language (`units`).
"""

from collector.dataset.families import (
    DECK_PLATFORMS,
    FAMILIES,
    IDENTITY_COLUMNS,
    VARIANTS,
    Variant,
    deck_platform_of,
    engine_of,
    family_of,
    variant_rank,
)
from collector.dataset.metrics import METRICS, find as find_metric, SUITE_NAMES, Metric, better_of, by_chart, charts_of, metric, metrics_of
from collector.dataset.names import (
    MAX_DISTINCT,
    MAX_MANIFEST_BYTES,
    MAX_TEXT_CHARS,
    NAME_PATTERN,
    InvalidName,
    check_name,
    is_name,
    printable,
    shown,
)
from collector.dataset.schema import (
    COLUMNS,
    MANIFEST_FILE,
    NOT_APPLICABLE,
    NOT_APPLICABLE_REASONS,
    SAMPLE_SCHEMA,
    SAMPLES_FILE,
    SCHEMA_VERSION,
    DatasetError,
    SchemaTooNew,
    plain,
    unified,
)
from collector.dataset.frames import categorical_frame, on_texts, sorted_categorical, texts_in
from collector.dataset.statistics import (
    EXACT_UNITS,
    MedianCI,
    RatioCI,
    exact_groups,
    failures,
    is_exact,
    latency_groups,
    mann_whitney_p,
    median_ci,
    median_groups,
    nearest_rank,
    spread,
    ratio_ci,
    unit_groups,
    usable,
    with_failures,
)
from collector.dataset.store import (
    DATASETS_ROOT_ENV,
    Dataset,
    Location,
    committed_versions,
    read_dataset,
    resolve,
    uncommitted_versions,
    write_version,
)
from collector.dataset.units import Units, duration_unit, iec_unit, units
from collector.dataset.fleet import expand as expand_datasets

__all__ = [
    "DECK_PLATFORMS", "FAMILIES", "IDENTITY_COLUMNS", "VARIANTS", "Variant", "deck_platform_of", "engine_of", "family_of", "variant_rank",
    "InvalidName", "MAX_DISTINCT", "MAX_MANIFEST_BYTES", "MAX_TEXT_CHARS", "NAME_PATTERN", "check_name", "is_name",
    "printable", "shown", "duration_unit", "iec_unit",
    "COLUMNS", "DATASETS_ROOT_ENV", "EXACT_UNITS", "MANIFEST_FILE", "METRICS", "NOT_APPLICABLE", "NOT_APPLICABLE_REASONS", "SAMPLES_FILE", "SAMPLE_SCHEMA",
    "SCHEMA_VERSION", "SUITE_NAMES", "Dataset", "DatasetError", "Location", "MedianCI", "Metric", "RatioCI", "SchemaTooNew",
    "Units", "better_of", "expand_datasets", "find_metric", "by_chart", "charts_of", "committed_versions", "exact_groups", "failures", "is_exact",
    "latency_groups", "mann_whitney_p", "median_ci", "median_groups", "metric", "metrics_of", "nearest_rank", "ratio_ci",
    "categorical_frame", "on_texts", "plain", "read_dataset", "sorted_categorical", "texts_in", "resolve", "spread", "uncommitted_versions", "unified", "unit_groups", "units", "usable", "with_failures",
    "write_version",
]
