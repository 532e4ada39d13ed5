-- land.parcels' spatial index becomes SP-GiST. A submission inserts its parcels into the live,
-- indexed table row by row, inside its one transaction; with GiST each insert pays its
-- penalty-driven descent and page splits, about 0.6-1.0 s of the merge per 100,000 new parcels,
-- on the submission's critical path. SP-GiST (PostGIS' spgist_geometry_ops_2d, a quad-tree over
-- the boxes' corners) takes the same rows in 0.2-0.4 s, is a fifth of the size, and answered the
-- hub's bbox, intersects and DWithin queries (all through &&) in the same time at 200,000
-- parcels (docs/performance.md, ingest, session 7). Nothing here orders by distance (<->).
drop index if exists land.parcels_geom;
create index parcels_geom on land.parcels using spgist (geom);
