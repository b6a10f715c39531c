//! The knowledge base: categories, articles with their tags, every version of
//! every article, ratings, deflections, and `search_changes`, the ordered log
//! of article changes the search index applies (written in the transaction of
//! each change, so the index can always catch up with the database).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::util::{created_at, drop_tables, fk, run_sql, updated_at};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;
const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("kb_categories")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 100))
                    .col(string_len("name", 100))
                    .col(text_null("description"))
                    .col(uuid_null("parent_id"))
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut fk("kb_categories", "parent_id", "kb_categories", RESTRICT))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_articles")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("slug", 100))
                    .col(string_len("title", 300))
                    .col(text_null("summary"))
                    .col(text("body_markdown"))
                    .col(text("body_html"))
                    .col(string_len("status", 20))
                    .col(uuid("category_id"))
                    .col(uuid_null("subcategory_id"))
                    .col(boolean("featured").default(false))
                    .col(big_integer("view_count").default(0))
                    .col(big_integer("helpful_count").default(0))
                    .col(big_integer("unhelpful_count").default(0))
                    .col(uuid_null("author_id"))
                    .col(integer("current_version").default(1))
                    .col(integer("version").default(1))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut fk("kb_articles", "category_id", "kb_categories", RESTRICT))
                    .foreign_key(&mut fk("kb_articles", "subcategory_id", "kb_categories", RESTRICT))
                    .foreign_key(&mut fk("kb_articles", "author_id", "users", SET_NULL))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_article_tags")
                    .col(uuid("article_id"))
                    .col(string_len("tag", 50))
                    .primary_key(Index::create().col("article_id").col("tag"))
                    .foreign_key(&mut fk("kb_article_tags", "article_id", "kb_articles", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_article_versions")
                    .col(pk_uuid("id"))
                    .col(uuid("article_id"))
                    .col(integer("number"))
                    .col(string_len("title", 300))
                    .col(text_null("summary"))
                    .col(text("body_markdown"))
                    // A JSON array of strings: the tags as they were.
                    .col(json_binary("tags"))
                    // Plain ids, no foreign keys: a snapshot outlives what it pointed to.
                    .col(uuid("category_id"))
                    .col(uuid_null("subcategory_id"))
                    .col(uuid_null("editor_id"))
                    .col(text_null("note"))
                    .col(created_at())
                    .foreign_key(&mut fk("kb_article_versions", "article_id", "kb_articles", CASCADE))
                    .foreign_key(&mut fk("kb_article_versions", "editor_id", "users", SET_NULL))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_article_ratings")
                    .col(uuid("article_id"))
                    .col(uuid("user_id"))
                    .col(boolean("helpful"))
                    .col(text_null("comment"))
                    .col(created_at())
                    .col(updated_at())
                    .primary_key(Index::create().col("article_id").col("user_id"))
                    .foreign_key(&mut fk("kb_article_ratings", "article_id", "kb_articles", CASCADE))
                    .foreign_key(&mut fk("kb_article_ratings", "user_id", "users", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("kb_deflections")
                    .col(pk_uuid("id"))
                    .col(uuid("article_id"))
                    .col(uuid("user_id"))
                    .col(text("query"))
                    .col(created_at())
                    .foreign_key(&mut fk("kb_deflections", "article_id", "kb_articles", CASCADE))
                    .foreign_key(&mut fk("kb_deflections", "user_id", "users", CASCADE))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("search_changes")
                    .col(big_pk_auto("id"))
                    .col(string_len("entity", 30))
                    .col(uuid("entity_id"))
                    .col(string_len("op", 10).check(Expr::cust("op IN ('upsert', 'delete')")))
                    .col(created_at())
                    .take(),
            )
            .await?;
        run_sql(
            manager,
            &[
                "CREATE INDEX idx_kb_categories_parent ON kb_categories(parent_id)",
                "CREATE INDEX idx_kb_articles_status ON kb_articles(status, updated_at DESC)",
                "CREATE INDEX idx_kb_articles_category ON kb_articles(category_id)",
                "CREATE INDEX idx_kb_articles_subcategory ON kb_articles(subcategory_id)",
                "CREATE INDEX idx_kb_article_tags_tag ON kb_article_tags(tag)",
                "CREATE UNIQUE INDEX idx_kb_article_versions_number ON kb_article_versions(article_id, number)",
                "CREATE INDEX idx_kb_deflections_article ON kb_deflections(article_id, created_at)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "search_changes",
                "kb_deflections",
                "kb_article_ratings",
                "kb_article_versions",
                "kb_article_tags",
                "kb_articles",
                "kb_categories",
            ],
        )
        .await
    }
}
