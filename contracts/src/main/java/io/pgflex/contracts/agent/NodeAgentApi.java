package io.pgflex.contracts.agent;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The node agent's HTTP API as the control plane calls it. Every call carries the agent bearer
 * token; every command is idempotent (the same call twice leaves the same result).
 */
@Path(NodeAgentApi.BASE_PATH)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface NodeAgentApi {
    String BASE_PATH = "/agent/v1";

    @GET
    @Path("/info")
    AgentInfo info();

    /** Creates the instance or converges it to {@code spec} (configuration, admin role, running or stopped). */
    @PUT
    @Path("/instances/{instanceId}")
    InstanceStatus apply(@PathParam("instanceId") String instanceId, InstanceSpec spec);

    @GET
    @Path("/instances/{instanceId}")
    InstanceStatus get(@PathParam("instanceId") String instanceId);

    @GET
    @Path("/instances")
    List<InstanceStatus> list();

    @POST
    @Path("/instances/{instanceId}/restart")
    InstanceStatus restart(@PathParam("instanceId") String instanceId);

    /** Every server parameter with its current value, default, allowed values and context (pg_settings). */
    @GET
    @Path("/instances/{instanceId}/parameters")
    List<ParameterInfo> parameters(@PathParam("instanceId") String instanceId);

    @GET
    @Path("/instances/{instanceId}/databases")
    List<DatabaseSpec> databases(@PathParam("instanceId") String instanceId);

    /**
     * The collations a new UTF-8 database can have on this instance (the C library's, and the engine's ICU locales
     * from PostgreSQL 15 on): {@link Collations#choose} says what a name gets.
     */
    @GET
    @Path("/instances/{instanceId}/collations")
    Collations collations(@PathParam("instanceId") String instanceId);

    /** The instance's PostgreSQL log files, newest first. */
    @GET
    @Path("/instances/{instanceId}/logs")
    List<LogFileInfo> logFiles(@PathParam("instanceId") String instanceId);

    /** One of the instance's log files, as it is now (404 when the instance has no such file). */
    @GET
    @Path("/instances/{instanceId}/logs/{file}")
    @Produces(MediaType.TEXT_PLAIN)
    java.io.InputStream logFile(@PathParam("instanceId") String instanceId, @PathParam("file") String file);

    /** Creates the database unless it exists (then it is left as it is). */
    @PUT
    @Path("/instances/{instanceId}/databases/{database}")
    DatabaseSpec createDatabase(@PathParam("instanceId") String instanceId, @PathParam("database") String database,
                                DatabaseSpec spec);

    /** Drops the database (connections to it are ended first). Dropping a missing database succeeds. */
    @DELETE
    @Path("/instances/{instanceId}/databases/{database}")
    void dropDatabase(@PathParam("instanceId") String instanceId, @PathParam("database") String database);

    /** The stable endpoints this agent routes (router role only; 404 otherwise). */
    @GET
    @Path("/router/servers")
    List<RouteStatus> routes();

    /** One server's stable endpoint as this router sees it: which member is UP, or why none is. */
    @GET
    @Path("/router/servers/{serverId}")
    RouteStatus route(@PathParam("serverId") String serverId);

    /**
     * Converges the instance's replication role (slots, synchronous_standby_names, primary_conninfo)
     * and renews its primary lease. Sent by ha-service every probe interval.
     */
    @PUT
    @Path("/instances/{instanceId}/replication")
    ReplicationStatus replicate(@PathParam("instanceId") String instanceId, ReplicationSpec spec);

    /** Replication as the agent sees it now; a standby also probes its primary. */
    @GET
    @Path("/instances/{instanceId}/replication")
    ReplicationStatus replication(@PathParam("instanceId") String instanceId);

    /** Creates the instance as a standby cloned from another agent's instance; a standby that exists is left as it is. */
    @PUT
    @Path("/instances/{instanceId}/clone")
    ReplicationStatus cloneFrom(@PathParam("instanceId") String instanceId, CloneRequest request);

    /** Promotes a standby (pg_ctl promote); promoting a primary changes nothing. */
    @POST
    @Path("/instances/{instanceId}/promote")
    ReplicationStatus promote(@PathParam("instanceId") String instanceId);

    /** Marks the instance fenced and stops it; its lsn is the last one it wrote before the stop. */
    @POST
    @Path("/instances/{instanceId}/fence")
    ReplicationStatus fence(@PathParam("instanceId") String instanceId, FenceRequest request);

    /**
     * Starts a fenced former primary that was shut down cleanly (planned switchover) as a standby of
     * {@code upstream}, which must have all of its WAL.
     */
    @POST
    @Path("/instances/{instanceId}/rejoin")
    ReplicationStatus rejoin(@PathParam("instanceId") String instanceId, HaPeer upstream);

    /** Stops the instance and removes its data. Deleting a missing instance succeeds. */
    @DELETE
    @Path("/instances/{instanceId}")
    InstanceStatus delete(@PathParam("instanceId") String instanceId);

    /** Starts a base backup of the (primary) instance into the backup repository; the same id again returns that job. */
    @POST
    @Path("/instances/{instanceId}/backups")
    BackupJob startBackup(@PathParam("instanceId") String instanceId, BackupRequest request);

    /** A base backup this agent runs or ran since it started (404: unknown, e.g. the agent restarted meanwhile). */
    @GET
    @Path("/instances/{instanceId}/backups/{backupId}")
    BackupJob backup(@PathParam("instanceId") String instanceId, @PathParam("backupId") String backupId);

    /**
     * A CHECKPOINT on the running instance (at most a minute): before a planned stop, so the shutdown checkpoint — while
     * nothing takes writes — has little left to write. Returns how long it took, in ms.
     */
    @POST
    @Path("/instances/{instanceId}/checkpoint")
    long checkpoint(@PathParam("instanceId") String instanceId);

    /** Commits a marker transaction, switches WAL and waits until the segment is archived. */
    @POST
    @Path("/instances/{instanceId}/wal-switch")
    WalSwitch switchWal(@PathParam("instanceId") String instanceId);

    /** Creates the instance from backups (point-in-time restore, restore drill); an instance that exists is left as it is. */
    @PUT
    @Path("/instances/{instanceId}/restore")
    RestoreResult restore(@PathParam("instanceId") String instanceId, RestoreRequest request);

    /**
     * Moves the instance to another minor of its major (maintenance): checkpoint, clean stop, start on the new binaries,
     * version checked; if they do not come up it is started on its previous binaries again (RolledBack). A version
     * not installed on this host or of another major is refused (400) without touching the instance.
     */
    @POST
    @Path("/instances/{instanceId}/engine")
    EngineChangeResult changeEngine(@PathParam("instanceId") String instanceId, EngineChange change);

    /** Sanity checks of a running instance (restore drills): amcheck on B-tree indexes, row counts. */
    @POST
    @Path("/instances/{instanceId}/sanity")
    SanityReport sanity(@PathParam("instanceId") String instanceId);
}
