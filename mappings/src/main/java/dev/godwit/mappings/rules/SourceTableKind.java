package dev.godwit.mappings.rules;

public enum SourceTableKind { TABLE, PARTITIONED_TABLE, VIEW, MATERIALIZED_VIEW, FOREIGN_TABLE }
