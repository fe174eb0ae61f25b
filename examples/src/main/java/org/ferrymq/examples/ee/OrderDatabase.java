package org.ferrymq.examples.ee;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The order desk's database: an XA data source the application defines itself, so that the
 * example deploys anywhere (H2 in memory here; in production, your server's XA data source),
 * and its one table, created when the application starts.
 */
@Singleton
@Startup
@DataSourceDefinition(name = OrderDatabase.NAME, className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:mem:orderdesk;DB_CLOSE_DELAY=-1", user = "sa", password = "sa")
public class OrderDatabase {

    public static final String NAME = "java:app/jdbc/orderdesk";

    @Resource(lookup = NAME)
    private DataSource database;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void createTable() {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ORDERS (ID BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "ITEM VARCHAR(200) NOT NULL, QUANTITY INT NOT NULL, STATUS VARCHAR(16) NOT NULL)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the ORDERS table in " + NAME + ": " + e.getMessage(), e);
        }
    }
}
