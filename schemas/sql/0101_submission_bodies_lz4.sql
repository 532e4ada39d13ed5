-- Stored submission bodies (answered 202, applied by the worker) are JSON, written once and read
-- once. pglz, the default TOAST compression, took about 1 s to store a 58 MB body; lz4 takes
-- about 0.3 s and compresses JSON nearly as well (docs/performance.md, ingest). Existing rows
-- keep their compression until rewritten; new chunks use lz4.
alter table submissions.bodies alter column chunk set compression lz4;
