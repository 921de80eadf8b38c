package dev.godwit.workers.catalog;

import java.util.List;

/**
 * The objects whose DDL the writer builds from catalog rows: the user schemas and extension comments, storage and
 * column options, collations, extended statistics, casts, operators, operator families and classes, text search
 * dictionaries and configurations.
 * Read for the whole database; the writer keeps those of the selected schemas and relations.
 */
public record DefinedObjects(List<Namespace> schemas, List<ExtensionComment> extensionComments,
                             List<StorageOptions> storage, List<ColumnOptions> columnOptions,
                             List<Collation> collations, List<StatisticsObject> statistics, List<Cast> casts,
                             List<Operator> operators, List<TextSearchDictionary> textSearchDictionaries,
                             List<TextSearchConfiguration> textSearchConfigurations,
                             List<OperatorFamily> operatorFamilies, List<OperatorClass> operatorClasses) {
    public DefinedObjects {
        schemas = List.copyOf(schemas);
        extensionComments = List.copyOf(extensionComments);
        storage = List.copyOf(storage);
        columnOptions = List.copyOf(columnOptions);
        collations = List.copyOf(collations);
        statistics = List.copyOf(statistics);
        casts = List.copyOf(casts);
        operators = List.copyOf(operators);
        textSearchDictionaries = List.copyOf(textSearchDictionaries);
        textSearchConfigurations = List.copyOf(textSearchConfigurations);
        operatorFamilies = List.copyOf(operatorFamilies);
        operatorClasses = List.copyOf(operatorClasses);
    }

    public static DefinedObjects none() {
        return new DefinedObjects(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
