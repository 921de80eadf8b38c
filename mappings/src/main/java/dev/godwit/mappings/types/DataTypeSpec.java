package dev.godwit.mappings.types;

import java.util.OptionalInt;

/** A DMS {@code data-type} object as written: {@code {type, precision, scale, length}}. */
public record DataTypeSpec(String type, OptionalInt precision, OptionalInt scale, OptionalInt length) {
}
