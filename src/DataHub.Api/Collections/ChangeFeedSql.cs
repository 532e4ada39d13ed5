namespace DataHub.Api.Collections;

/// <summary>The change feed's page query (catalog.changes, schemas/sql/0010_change_feed.sql).</summary>
public static class ChangeFeedSql
{
    /// <summary>
    /// The changes of a dataset's tables after a cursor, oldest first, below the horizon.
    /// Parameters: $1 the tables (text[]), $2 the cursor's transaction id (text), $3 its change id,
    /// $4 the page size. Each table's changes are read from its own range of
    /// changes_by_position (table_name, txid, id), at most a page of them, and the pages merged:
    /// compared as text, the table name could not use that index, and every page scanned the
    /// whole feed (2.5 s from the start of a 9.7-million-change feed, docs/performance.md).
    /// </summary>
    public const string Page = """
        select c.id, c.txid::text, c.row_key, c.op
        from unnest($1::text[]::regclass[]) t(name)
        cross join lateral (
          select ch.id, ch.txid, ch.row_key, ch.op
          from catalog.changes ch
          where ch.table_name = t.name
            and (ch.txid, ch.id) > ($2::text::xid8, $3)
            and ch.txid < pg_snapshot_xmin(pg_current_snapshot())
          order by ch.txid, ch.id
          limit $4) c
        order by c.txid, c.id
        limit $4
        """;
}
