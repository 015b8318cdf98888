package dev.strangler.legacy.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.legacy.config.LegacyProperties;

import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The H2 database lives in a file under {@code legacy.data-dir}, so a restart loses nothing. The URL is built here
 * rather than in YAML because H2 refuses implicitly relative file paths, and users should be able to write
 * {@code LEGACY_DATA_DIR=data/legacy}. Pool tuning still binds from {@code spring.datasource.hikari.*}.
 */
@Configuration(proxyBeanMethods = false)
class LegacyDataSourceConfiguration {

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DataSourceProperties dataSourceProperties, LegacyProperties legacy) throws IOException {
        Path dir = legacy.absoluteDataDir();
        Files.createDirectories(dir);
        // DB_CLOSE_ON_EXIT=FALSE: Spring closes the pool on shutdown; H2's own hook would close the file under it.
        // WRITE_DELAY=0: a committed order reaches the file at commit, not up to half a second later.
        String url = "jdbc:h2:file:" + dir.resolve("legacy") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        HikariDataSource dataSource = dataSourceProperties.initializeDataSourceBuilder()
                .type(HikariDataSource.class)
                .url(url)
                .username("sa")
                .password("")
                .build();
        dataSource.setPoolName("legacy-db");
        return dataSource;
    }
}
