/**
 * Test-restores of DB dumps: a dump from the artifact store restored into a scratch database (on a scratch server
 * an ADMIN set up, or a scratch SQLite file), counted table by table against the counts its source had, then
 * dropped. Knows no product: it works on any dump the shared backup step made.
 */
package dev.migrationpanel.restore;
