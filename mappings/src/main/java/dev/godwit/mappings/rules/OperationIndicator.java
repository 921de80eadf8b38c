package dev.godwit.mappings.rules;

/**
 * DMS's {@code operation_indicator(deleteValue, updateValue, insertValue)}: the added column holds a flag for the
 * last operation on the row, and source DELETEs become updates that set {@code deleteValue} (a soft delete).
 * The full load writes {@code insertValue}; the CDC applier writes the value for each change's operation.
 */
public record OperationIndicator(String deleteValue, String updateValue, String insertValue) {
}
