-- PostGIS for geometry; pgcrypto for digests (audit chain, checksums).
create extension if not exists postgis;
create extension if not exists pgcrypto;
