package org.overturn.bench.baseline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;

/**
 * A stock HAPI FHIR JPA server (R4, PostgreSQL), kept as small as HAPI allows.
 * It is the baseline the Overturn server is benchmarked against; it is not part of the product.
 */
@SpringBootApplication(exclude = {
    // HAPI drags in the Elasticsearch REST client; with it on the classpath Boot builds a client
    // whose sniffer retries localhost:9200 forever and slows the start.
    ElasticsearchRestClientAutoConfiguration.class,
    // HAPI needs its own entity manager factory (persistence unit, provider, dialect): see BaselineJpaConfig.
    HibernateJpaAutoConfiguration.class
})
public class BaselineApplication {

  public static void main(String[] args) {
    SpringApplication.run(BaselineApplication.class, args);
  }
}
