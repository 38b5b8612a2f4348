"""Sample tables to pandas frames that group fast: text columns as categoricals in sorted order.

`read_dataset` holds text columns as Arrow dictionaries. Turned into Python
strings (`astype(object)`), ten million rows cost seconds to copy and more
to hash when grouped; as a categorical whose categories are sorted, pandas
groups by the integer codes, and `groupby(sort=True)` orders the groups as
it would the strings, so every statistic comes out the same, row for row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset.schema import unified


def sorted_categorical(column: pa.ChunkedArray | pa.Array, fill: str | None = None) -> pd.Categorical:
    """A text column as a pandas Categorical with its categories sorted; nulls missing, or `fill` when given."""
    if isinstance(column, pa.ChunkedArray):
        column = unified(column).combine_chunks() if column.num_chunks else pa.array([], pa.string())
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    values = column.dictionary.cast(pa.string()).to_pylist()
    if len(set(values)) != len(values):  # a dictionary may repeat a value; pandas categories may not
        column = pc.dictionary_encode(column.cast(pa.string()))
        values = column.dictionary.to_pylist()
    codes = pc.fill_null(column.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
    missing = codes < 0
    if fill is not None and missing.any():
        if fill not in values:
            values.append(fill)
        codes[missing] = values.index(fill)
    order = sorted(range(len(values)), key=values.__getitem__)  # as Python sorts the strings
    rank = np.empty(len(values), dtype=np.int32)
    rank[order] = np.arange(len(values), dtype=np.int32)
    mapped = np.where(codes < 0, -1, rank[np.maximum(codes, 0)] if len(values) else -1).astype(np.int32)
    return pd.Categorical.from_codes(mapped, categories=[values[i] for i in order])


def categorical_frame(table: pa.Table, fill: str | None = None) -> pd.DataFrame:
    """`table` as a frame: text columns (plain or dictionary) as sorted categoricals, the rest as numpy columns."""
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type) or pa.types.is_string(column.type):
            columns[name] = sorted_categorical(column, fill)
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def on_texts(column: pa.ChunkedArray, function) -> pa.ChunkedArray:  # type: ignore[no-untyped-def]
    """`function` (an Arrow compute function of strings) of every row's text, computed once per distinct text
    of a dictionary column (many compute functions take no dictionaries)."""
    if not pa.types.is_dictionary(column.type):
        return function(column)
    return pa.chunked_array([pc.take(function(chunk.dictionary), chunk.indices) for chunk in column.chunks],
                            function(pa.array([], column.type.value_type)).type)


def texts_in(column: pa.ChunkedArray, values: list[str] | tuple[str, ...]) -> pa.ChunkedArray:
    """Per row: is its text one of `values` (null where the text is null)? As `pc.is_in`, but a dictionary
    column is tested once per distinct text and looked up by its codes (20 times faster on 10^7 rows)."""
    wanted = pa.array(list(values), pa.string())
    if not pa.types.is_dictionary(column.type):
        return pc.if_else(pc.is_valid(column), pc.is_in(column, wanted), pa.scalar(None, pa.bool_()))
    return on_texts(column, lambda texts: pc.is_in(texts, wanted))
