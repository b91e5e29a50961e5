package dev.imagesearch.redis;

/** The shared id map contract on Redis Cluster ({@code IMAGESEARCH_REDIS_CLUSTER}). */
class RedisIdMapperClusterContractIT extends RedisIdMapperContractIT {

    @Override
    protected RedisIdMapConfig.Builder server() {
        return RedisTestServers.cluster();
    }
}
