//! The OpenSearch backend: the whole text path live against osmem-server (an in-memory server
//! speaking OpenSearch's REST API, installed by `scripts/setup.sh --opensearch`), and the
//! vector (`knn`) path, which osmem does not implement, against recorded exchanges.

mod live;
mod replay;
