// A local Neo4j 5.26 Community server (Bolt + HTTP + Browser, GDS and APOC from the plugin directory),
// started from Maven Central jars; no tarball, no Docker. Run by tools/neo4j/neo4j.sh through the JDK's
// single-file source launcher:
//
//   java -cp 'lib/*' Neo4jServer.java HOME PLUGIN_DIR BOLT_PORT HTTP_PORT
//
// HOME holds data/, logs/ and run/; HOME/conf/neo4j.conf, when present, is read first for extra settings.
// The settings below always win: Bolt and HTTP only on 127.0.0.1, auth on, gds.* and apoc.* unrestricted.
// Environment: NEO4J_PASSWORD (password of user neo4j, set on every start), NEO4J_PAGECACHE (e.g. 256m).
// Writes HOME/run/neo4j.ready once Bolt and HTTP answer; runs until killed (SIGTERM shuts down cleanly).

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.logging.log4j.Log4jLogProvider;

public class Neo4jServer {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java -cp 'lib/*' Neo4jServer.java HOME PLUGIN_DIR BOLT_PORT HTTP_PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path plugins = Path.of(args[1]).toAbsolutePath();
        var bolt = new SocketAddress("127.0.0.1", Integer.parseInt(args[2]));
        var http = new SocketAddress("127.0.0.1", Integer.parseInt(args[3]));
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "idgraph-local");
        String pageCache = System.getenv().getOrDefault("NEO4J_PAGECACHE", "256m");
        Path ready = home.resolve("run/neo4j.ready");
        Files.createDirectories(ready.getParent());
        Files.deleteIfExists(ready);

        var builder = new DatabaseManagementServiceBuilder(home).setUserLogProvider(new Log4jLogProvider(System.out));
        Path conf = home.resolve("conf/neo4j.conf");
        if (Files.isRegularFile(conf)) {
            builder.loadPropertiesFromFile(conf);
        }
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(HttpConnector.enabled, true)
                .setConfig(HttpConnector.listen_address, http)
                .setConfig(HttpConnector.advertised_address, http)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.plugin_dir, plugins)
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*", "apoc.*"))
                .setConfig(GraphDatabaseSettings.pagecache_memory, SettingValueParsers.BYTES.parse(pageCache))
                .setConfig(GraphDatabaseSettings.udc_enabled, false) // no usage reports from a dev/test server
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0) // stop in ~1s, not 10s
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (Exception ignored) {
                // the launcher checks the process anyway
            }
            dbms.shutdown();
        }));

        try {
            setPassword(dbms, password);
            long pid = ProcessHandle.current().pid();
            Files.writeString(ready, "pid=" + pid + "\nbolt=bolt://" + bolt + "\nhttp=http://" + http + "/\n");
            System.out.printf("Neo4j ready (pid %d): bolt://%s  http://%s/browser/%n", pid, bolt, http);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // runs the shutdown hook
        }
        new CountDownLatch(1).await(); // stay up until the JVM is told to stop
    }

    // The embedded DBMS runs with full rights, so it can (re)set the password of the built-in admin user.
    static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (QueryExecutionException e) {
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            } // else: it is already this password
        }
    }
}
