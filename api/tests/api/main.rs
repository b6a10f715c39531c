//! Integration tests: the real server on port 0, on SQLite and on
//! PostgreSQL with Redis. One binary, so it links once.

mod helpers;

mod auth;
mod cli;
mod cluster;
mod openapi;
