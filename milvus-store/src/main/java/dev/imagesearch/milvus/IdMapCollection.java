package dev.imagesearch.milvus;

import static dev.imagesearch.milvus.MilvusIdMapper.CONTENT_HASH_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.FORMAT;
import static dev.imagesearch.milvus.MilvusIdMapper.ID_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.KIND;
import static dev.imagesearch.milvus.MilvusIdMapper.LOCATION_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.MAX_HASH_LENGTH;
import static dev.imagesearch.milvus.MilvusIdMapper.MAX_LOCATION_BYTES;
import static dev.imagesearch.milvus.MilvusIdMapper.PROP_FORMAT;
import static dev.imagesearch.milvus.MilvusIdMapper.PROP_KIND;
import static dev.imagesearch.milvus.MilvusIdMapper.PROP_NAMESPACE;
import static dev.imagesearch.milvus.MilvusIdMapper.SEQ_FIELD;
import static dev.imagesearch.milvus.MilvusIdMapper.VECTOR_FIELD;

import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the collection of an id map exists with the layout below (creating it if
 * missing), is marked as an imagesearch id map of this format, and is loaded. Refuses any other collection of
 * that name before anything is written.
 *
 * <h2>Layout</h2>
 * One collection per namespace, named {@code <prefix>imagesearch_idmap_<namespace>} (made valid by
 * {@link CollectionNames#derive}), with one row per location:
 * <ul>
 *   <li>{@code location} VARCHAR({@value MilvusIdMapper#MAX_LOCATION_BYTES}) primary key: one location points to one id, and a
 *       {@code put} is a single upsert of that row, so it never leaves half a state;</li>
 *   <li>{@code id} INT64 with an INVERTED scalar index (the per-id queries filter on it);</li>
 *   <li>{@code content_hash} VARCHAR(128);</li>
 *   <li>{@code seq} INT64, the insertion order that makes {@link dev.imagesearch.idmap.ImageRecord#locations()} oldest first: the
 *       time in microseconds, made strictly increasing within one mapper (between processes the order is that of
 *       their clocks; ties are broken by location);</li>
 *   <li>{@code dummy_vector} FLOAT_VECTOR(2), always {@code [0, 0]}, FLAT index: Milvus requires a vector field
 *       and a loaded index before it answers queries.</li>
 * </ul>
 * Collection properties {@code imagesearch.kind=idmap} and {@code imagesearch.idmap.format=1} mark it. Opening a
 * collection of that name without them (or with another format version, or another schema) fails with a
 * {@link MilvusIdMapException} before anything is written.
 *
 * <p>Locations longer than {@value MilvusIdMapper#MAX_LOCATION_BYTES} UTF-8 bytes are refused with an
 * {@link IllegalArgumentException} (far beyond a file path's {@code PATH_MAX} of 4096); use the embedded or Redis id
 * map for longer URIs.
 *
 */
final class IdMapCollection {

    private static final Logger LOG = LoggerFactory.getLogger(IdMapCollection.class);

    private final IdMapRows rows;
    private final String name;
    private final String namespace;
    private final String server;

    private IdMapCollection(IdMapRows rows, String namespace, String server) {
        this.rows = rows;
        this.name = rows.name();
        this.namespace = namespace;
        this.server = server;
    }

    /**
     * Creates (if missing), verifies and loads the collection of {@code rows}.
     *
     * @throws MilvusIdMapException if it cannot be reached or is not an imagesearch id map of this format
     */
    static void ensure(IdMapRows rows, String namespace, String server) {
        new IdMapCollection(rows, namespace, server).init();
    }

    private void init() {
        boolean exists = rows.call("hasCollection", () -> rows.client().hasCollection(
                HasCollectionReq.builder().collectionName(name).build()));
        if (!exists) {
            try {
                create();
            } catch (MilvusIdMapException e) {
                // Another client may have created it in between: then check that one like any other.
                boolean nowExists = rows.call("hasCollection", () -> rows.client().hasCollection(
                        HasCollectionReq.builder().collectionName(name).build()));
                if (!nowExists) {
                    throw e;
                }
            }
        }
        verify();
        rows.call("loadCollection", () -> {
            rows.client().loadCollection(LoadCollectionReq.builder().collectionName(name).build());
            return null;
        });
    }

    private void create() {
        CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder().fieldName(LOCATION_FIELD).dataType(DataType.VarChar)
                .maxLength(MAX_LOCATION_BYTES).isPrimaryKey(true).autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName(ID_FIELD).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(CONTENT_HASH_FIELD).dataType(DataType.VarChar)
                .maxLength(MAX_HASH_LENGTH).build());
        schema.addField(AddFieldReq.builder().fieldName(SEQ_FIELD).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(VECTOR_FIELD).dataType(DataType.FloatVector)
                .dimension(2).build());
        List<IndexParam> indexes = List.of(
                IndexParam.builder().fieldName(VECTOR_FIELD).indexType(IndexParam.IndexType.FLAT)
                        .metricType(IndexParam.MetricType.L2).build(),
                IndexParam.builder().fieldName(ID_FIELD).indexType(IndexParam.IndexType.INVERTED).build());
        CreateCollectionReq req = CreateCollectionReq.builder()
                .collectionName(name)
                .description("imagesearch id map (location -> content id), namespace " + namespace)
                .collectionSchema(schema)
                .indexParams(indexes)
                .consistencyLevel(ConsistencyLevel.STRONG)
                .property(PROP_KIND, KIND)
                .property(PROP_FORMAT, FORMAT)
                .property(PROP_NAMESPACE, namespace)
                .build();
        rows.call("createCollection", () -> {
            rows.client().createCollection(req);
            return null;
        });
        LOG.info("Created Milvus id map collection {} at {}", name, server);
    }

    private void verify() {
        DescribeCollectionResp desc = rows.call("describeCollection", () -> rows.client().describeCollection(
                DescribeCollectionReq.builder().collectionName(name).build()));
        Map<String, String> props = desc.getProperties() == null ? Map.of() : desc.getProperties();
        String kind = props.get(PROP_KIND);
        if (!KIND.equals(kind)) {
            String what = props.containsKey(MilvusVectorStore.PROP_FINGERPRINT)
                    ? "it holds the vectors of model '" + props.get(MilvusVectorStore.PROP_NAME) + "'"
                    : kind != null ? "its " + PROP_KIND + " is '" + kind + "'"
                    : "it has no " + PROP_KIND + "=" + KIND + " property (fields " + desc.getFieldNames() + ")";
            throw refuse(what);
        }
        String format = props.get(PROP_FORMAT);
        if (!FORMAT.equals(format)) {
            throw refuse("its format version is " + (format == null ? "missing" : "'" + format + "'")
                    + " but this library reads version " + FORMAT);
        }
        CreateCollectionReq.CollectionSchema schema = desc.getCollectionSchema();
        checkField(schema, LOCATION_FIELD, DataType.VarChar, true);
        checkField(schema, ID_FIELD, DataType.Int64, false);
        checkField(schema, CONTENT_HASH_FIELD, DataType.VarChar, false);
        checkField(schema, SEQ_FIELD, DataType.Int64, false);
    }

    private void checkField(CreateCollectionReq.CollectionSchema schema, String field, DataType type,
            boolean primaryKey) {
        CreateCollectionReq.FieldSchema f = schema == null ? null : schema.getField(field);
        if (f == null || f.getDataType() != type || Boolean.TRUE.equals(f.getIsPrimaryKey()) != primaryKey) {
            throw refuse("its field '" + field + "' is " + (f == null ? "missing" : f.getDataType()
                    + (Boolean.TRUE.equals(f.getIsPrimaryKey()) ? " primary key" : "")) + ", expected " + type
                    + (primaryKey ? " primary key" : ""));
        }
    }

    private MilvusIdMapException refuse(String why) {
        return new MilvusIdMapException("Milvus collection '" + name + "' at " + server
                + " is not an imagesearch id map of format " + FORMAT + ": " + why + "; nothing was written. "
                + "Choose another namespace (now '" + namespace + "') or collection prefix.");
    }
}
