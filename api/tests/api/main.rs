//! Integration tests: the real server on port 0, on SQLite and on
//! PostgreSQL with Redis. One binary, so it links once.

#![allow(clippy::expect_used, clippy::unwrap_used)] // failing loudly is what tests are for

mod helpers;

mod admin;
mod ai;
mod auth;
mod cli;
mod cluster;
mod incidents;
mod jobs;
mod kb;
mod matrix;
mod openapi;
mod opensearch;
mod ops;
mod realtime;
mod spa;
mod tickets;
