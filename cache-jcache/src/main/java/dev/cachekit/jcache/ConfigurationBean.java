package dev.cachekit.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/** The configuration of one cache, as its management bean shows it. */
final class ConfigurationBean implements CacheMXBean {

    private final JCache<?, ?> cache;

    ConfigurationBean(JCache<?, ?> cache) {
        this.cache = cache;
    }

    private CompleteConfiguration<?, ?> config() {
        return cache.configuration();
    }

    @Override
    public String getKeyType() {
        return config().getKeyType().getName();
    }

    @Override
    public String getValueType() {
        return config().getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
        return config().isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
        return config().isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
        return config().isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return config().isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
        return config().isManagementEnabled();
    }
}
