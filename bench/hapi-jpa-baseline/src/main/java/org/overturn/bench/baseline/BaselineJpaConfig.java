package org.overturn.bench.baseline;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.JpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * Wires HAPI's own JPA configuration onto Boot's DataSource and serves it at {@code /fhir/*}.
 * Each import below was needed for the context to start (a missing one fails with an unsatisfied bean).
 */
@Configuration
@Import({
    JpaR4Config.class, // R4 DAOs, resource providers, FhirContext, JpaSystemProvider
    HapiJpaConfig.class, // search, paging provider, resource counts
    ThreadPoolFactoryConfig.class, // thread pools JpaConfig expects from outside
    JpaBatch2Config.class, // batch2 job persistence, required by reindex/delete services
    Batch2JobsConfig.class, // the job definitions JpaConfig's services refer to
    SubscriptionChannelConfig.class // channel factory the subscription beans need, even unused
})
public class BaselineJpaConfig {

  private static final Logger log = LoggerFactory.getLogger(BaselineJpaConfig.class);

  @Bean
  public JpaStorageSettings storageSettings() {
    // HAPI defaults on purpose: the baseline should behave like an untuned JPA server.
    return new JpaStorageSettings();
  }

  @Bean
  public PartitionSettings partitionSettings() {
    // Partitioning off (the default); HAPI still looks the bean up by type.
    return new PartitionSettings();
  }

  @Bean
  @Primary
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      DataSource dataSource,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings) {
    // hbm2ddl creates tables in the connection's current schema, so that schema must exist first.
    createCurrentSchemaIfMissing(dataSource);

    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    // Added to (not replacing) the properties HAPI already set on the factory.
    Map<String, Object> jpa = factory.getJpaPropertyMap();
    jpa.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
    // No migration tool here: Hibernate creates and updates the HAPI tables itself.
    jpa.put("hibernate.hbm2ddl.auto", "update");
    // Full-text indexing needs Lucene or Elasticsearch; the baseline uses plain SQL search only.
    jpa.put("hibernate.search.enabled", "false");
    return factory;
  }

  @Bean
  @Primary
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(
      FhirContext fhirContext,
      IInterceptorService interceptorService,
      ResourceProviderFactory resourceProviders,
      JpaSystemProvider<Bundle, Meta> systemProvider,
      IFhirSystemDao<Bundle, Meta> systemDao,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      @Qualifier(JpaConfig.JPA_VALIDATION_SUPPORT_CHAIN) IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider) {
    // Sharing HAPI's interceptor service lets the storage layer's interceptors see REST requests.
    RestfulServer server = new RestfulServer(fhirContext, interceptorService);
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
        server, systemDao, storageSettings, searchParamRegistry, validationSupport));
    server.setPagingProvider(pagingProvider);

    ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setName("fhirServlet");
    // Initialise (scan all R4 providers) during startup, not on the first request.
    registration.setLoadOnStartup(1);
    return registration;
  }

  /**
   * Creates the first schema of the connection's search_path (set by {@code currentSchema} in the
   * JDBC URL) so that the baseline's tables stay out of the other schemas of the same database.
   */
  static void createCurrentSchemaIfMissing(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      String schema;
      try (ResultSet rs = statement.executeQuery("select current_setting('search_path')")) {
        rs.next();
        schema = rs.getString(1).split(",")[0].trim();
      }
      if (schema.startsWith("\"") && schema.endsWith("\"") && schema.length() > 1) {
        schema = schema.substring(1, schema.length() - 1).replace("\"\"", "\"");
      }
      if (schema.isEmpty() || schema.equals("$user") || schema.equals("public")) {
        return;
      }
      statement.execute("create schema if not exists \"" + schema.replace("\"", "\"\"") + "\"");
      log.info("Using schema {}", schema);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the schema named in the JDBC URL", e);
    }
  }
}
