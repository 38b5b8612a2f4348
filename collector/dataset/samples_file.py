"""Reading a dataset's samples.parquet into a lean table: text straight into narrow dictionaries.

A fleet's ten million samples hold a few thousand distinct texts (platforms,
phases, each sample's detail JSON); as plain strings they would take most of
the memory, as dictionaries with one- or two-byte indices hardly any.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from collector.dataset.schema import STRING_COLUMNS, encoded


def read_samples(data: pa.BufferReader, current: bool) -> tuple[pa.Table, pq.ParquetFile]:
    """The Parquet file's table; in the current schema its text straight into narrow dictionaries, a row
    group at a time, so that no more than one row group's plain strings or wide indices are ever held."""
    pf = pq.ParquetFile(data)
    if not current:  # an older schema: its migration sees the plain table, as it was written
        return pf.read(), pf
    text = [name for name in STRING_COLUMNS if name in pf.schema_arrow.names]
    pf = pq.ParquetFile(data, read_dictionary=text)
    if pf.metadata.num_row_groups <= 1:
        return pf.read(), pf
    groups = [encoded(pf.read_row_group(i)) for i in range(pf.metadata.num_row_groups)]
    return pa.concat_tables(groups, promote_options="permissive"), pf
