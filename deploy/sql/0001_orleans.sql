-- Orleans 10.4.2 ADO.NET providers on PostgreSQL 15+: clustering (membership), grain storage, reminders.
--
-- The providers issue no SQL of their own beyond reading OrleansQuery: every operation runs the text stored
-- under its key below. The contract is by name: parameter names (@GrainIdHash, @DeploymentId, ...) and
-- result column names (NewGrainStateVersion, Version, ...) must stay as they are. Unquoted identifiers fold
-- to lower case; the providers look columns up by name case-insensitively.
--
-- Safe to run again on the same database: IF NOT EXISTS, CREATE OR REPLACE, upserted query rows.
-- Differences from the stock Orleans script are marked "Deliberate:".

DO $$
BEGIN
    -- UNIQUE ... NULLS NOT DISTINCT (storage key) needs 15.
    IF current_setting('server_version_num')::int < 150000 THEN
        RAISE EXCEPTION 'SalesOrleans needs PostgreSQL 15 or newer, this is %', current_setting('server_version');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

------------------------------------------------------------------------------------------------------------
-- Clustering. ClusterOptions.ClusterId arrives as @DeploymentId. One version row per cluster; every change
-- to the membership table must bump it in the same transaction (optimistic concurrency on @Version).
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    -- Deliberate: NOT NULL (stock allows NULL); the provider reads it with GetInt32 and always writes it.
    ProxyPort    integer        NOT NULL DEFAULT 0,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Insert a silo row and bump the cluster version, both or neither. Returns 1 on success, 0 when the row
-- already exists or @Version is stale.
-- Deliberate: the stock script rolls back via ASSERT, which does nothing when plpgsql.check_asserts is off
-- (the row would stay while 0 is returned). A raised error inside the block always rolls it back.
CREATE OR REPLACE FUNCTION orleans_insert_membership(
    p_deployment_id  varchar,
    p_address        varchar,
    p_port           integer,
    p_generation     integer,
    p_silo_name      varchar,
    p_host_name      varchar,
    p_status         integer,
    p_proxy_port     integer,
    p_start_time     timestamptz,
    p_i_am_alive     timestamptz,
    p_version        integer)
    RETURNS TABLE (row_count integer)
    LANGUAGE plpgsql
AS $fn$
DECLARE
    n integer;
BEGIN
    BEGIN
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
             coalesce(p_proxy_port, 0), p_start_time, p_i_am_alive)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            RETURN QUERY SELECT 0;
            RETURN;
        END IF;

        UPDATE OrleansMembershipVersionTable
        SET Version = Version + 1, Timestamp = now()
        WHERE DeploymentId = p_deployment_id AND Version = p_version;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'OR001', MESSAGE = 'stale membership version';
        END IF;
    EXCEPTION WHEN SQLSTATE 'OR001' THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END;
    RETURN QUERY SELECT 1;
END
$fn$;

-- Update a silo row (status, suspicions, liveness) and bump the cluster version, both or neither.
CREATE OR REPLACE FUNCTION orleans_update_membership(
    p_deployment_id  varchar,
    p_address        varchar,
    p_port           integer,
    p_generation     integer,
    p_status         integer,
    p_suspect_times  varchar,
    p_i_am_alive     timestamptz,
    p_version        integer)
    RETURNS TABLE (row_count integer)
    LANGUAGE plpgsql
AS $fn$
DECLARE
    n integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET Version = Version + 1, Timestamp = now()
        WHERE DeploymentId = p_deployment_id AND Version = p_version;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            RETURN QUERY SELECT 0;
            RETURN;
        END IF;

        UPDATE OrleansMembershipTable
        SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive
        WHERE DeploymentId = p_deployment_id AND Address = p_address
          AND Port = p_port AND Generation = p_generation;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'OR001', MESSAGE = 'no such silo row';
        END IF;
    EXCEPTION WHEN SQLSTATE 'OR001' THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END;
    RETURN QUERY SELECT 1;
END
$fn$;

------------------------------------------------------------------------------------------------------------
-- Grain storage. @GrainTypeString is the state name of [PersistentState(name, "store")], not the grain
-- class: two grain classes with the same state name and key share a row (dotnet/orleans #8746), so every
-- grain class needs its own state name. ETag = Version as a decimal string.
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer                     NOT NULL,
    GrainIdN0              bigint                      NOT NULL,
    GrainIdN1              bigint                      NOT NULL,
    GrainTypeHash          integer                     NOT NULL,
    GrainTypeString        varchar(512)                NOT NULL,
    GrainIdExtensionString varchar(512)                NULL,
    ServiceId              varchar(150)                NOT NULL,
    PayloadBinary          bytea                       NULL,
    ModifiedOn             timestamp without time zone NOT NULL,
    Version                integer                     NULL
);

-- Deliberate: the stock table has only a non-unique (GrainIdHash, GrainTypeHash) index, so two concurrent
-- first writes can both insert. This key makes the second one a conflict. NULLS NOT DISTINCT because most
-- grains have no key extension (NULL), and those must collide too. Leading GrainIdHash keeps lookups narrow.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_GrainKey
    ON OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId)
    NULLS NOT DISTINCT;

------------------------------------------------------------------------------------------------------------
-- Reminders. @GrainHash, @BeginHash, @EndHash are uint hashes passed as (signed) int.
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    varchar(150)   NOT NULL,
    -- Deliberate: 512 rather than 150; GrainId.ToString() is "type/key" and long type names plus a key
    -- can pass 150.
    GrainId      varchar(512)   NOT NULL,
    ReminderName varchar(150)   NOT NULL,
    StartTime    timestamptz(3) NOT NULL,
    Period       bigint         NOT NULL,
    GrainHash    integer        NOT NULL,
    Version      integer        NOT NULL,
    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Deliberate: not in the stock script. Each silo reads its hash range (ReadRangeRows1/2) on every refresh.
CREATE INDEX IF NOT EXISTS IX_RemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

------------------------------------------------------------------------------------------------------------
-- The queries. Keys are exactly those the 10.4.2 assemblies look up.
------------------------------------------------------------------------------------------------------------

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Clustering: Orleans.Clustering.AdoNet requires all nine keys.
('InsertMembershipVersionKey', $q$
    WITH ins AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId)
        VALUES (@DeploymentId)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer AS row_count FROM ins;
$q$),

('InsertMembershipKey', $q$
    SELECT row_count FROM orleans_insert_membership(
        @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
        @StartTime, @IAmAliveTime, @Version);
$q$),

('UpdateMembershipKey', $q$
    SELECT row_count FROM orleans_update_membership(
        @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$),

-- Both reads return the version row even with no silo rows (outer join): the provider takes the table
-- version from the first row and treats a NULL StartTime as "no entry".
('MembershipReadRowKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
           m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
           ON m.DeploymentId = v.DeploymentId
          AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status,
           m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Liveness heartbeat: deliberately does not bump the version (per the membership protocol).
('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
$q$),

('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$q$),

('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Removes rows of silos that stopped heart-beating before @IAmAliveTime; never an Active (3) one.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;
$q$),

-- Grain storage: Orleans.Persistence.AdoNet reads these four keys.
--
-- Write contract (AdoNetGrainStorage.WriteStateAsync): the single returned NewGrainStateVersion becomes the
-- new ETag. No row returned = version conflict -> InconsistentStateException. So:
--   @GrainStateVersion NULL  (never written, or deleted): insert version 1; if the row exists, no row out.
--   @GrainStateVersion = n   : update only if the stored version is still n, return n + 1; else no row out.
-- Deliberate: the stock write returns the unchanged version on conflict and guards inserts with
-- WHERE NOT EXISTS, which two concurrent first writes can both pass. Here the unique key arbitrates.
('WriteToStorageKey', $q$
    WITH upd AS (
        UPDATE OrleansStorage
        SET PayloadBinary = @PayloadBinary,
            ModifiedOn = (now() AT TIME ZONE 'utc'),
            Version = Version + 1
        WHERE @GrainStateVersion IS NOT NULL
          AND GrainIdHash = @GrainIdHash
          AND GrainIdN0 = @GrainIdN0
          AND GrainIdN1 = @GrainIdN1
          AND GrainTypeHash = @GrainTypeHash
          AND GrainTypeString = @GrainTypeString
          AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
          AND ServiceId = @ServiceId
          AND Version = @GrainStateVersion
        RETURNING Version
    ), ins AS (
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
             ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
               @ServiceId, @PayloadBinary, (now() AT TIME ZONE 'utc'), 1
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId)
            DO NOTHING
        RETURNING Version
    )
    SELECT Version AS NewGrainStateVersion FROM upd
    UNION ALL
    SELECT Version FROM ins;
$q$),

-- A row with NULL payload (cleared) reads as "no record" but keeps its version as the ETag.
('ReadFromStorageKey', $q$
    SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeHash = @GrainTypeHash
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId;
$q$),

-- ClearStateAsync (DeleteStateOnClear = false): keep the row, drop the payload, bump the version.
-- The provider reads column 0 as the new ETag; no row = conflict.
('ClearStorageKey', $q$
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = (now() AT TIME ZONE 'utc'),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeHash = @GrainTypeHash
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
$q$),

-- ClearStateAsync (DeleteStateOnClear = true): remove the row. The provider only checks that the value
-- differs from the old ETag (it then sets the ETag to null), hence version + 1.
('DeleteStorageKey', $q$
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainTypeHash = @GrainTypeHash
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId
      AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
$q$),

-- Reminders: Orleans.Reminders.AdoNet requires all seven keys (ReadRangeRows1/2 included).
-- Version is the reminder ETag: 0 on insert, +1 on every upsert.
('UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
        SET StartTime = excluded.StartTime,
            Period = excluded.Period,
            GrainHash = excluded.GrainHash,
            Version = OrleansRemindersTable.Version + 1
    RETURNING Version;
$q$),

('ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
$q$),

('ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
$q$),

-- Hash range (BeginHash, EndHash]; used when BeginHash < EndHash as signed ints.
('ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
$q$),

-- The range wraps around: (BeginHash, max] plus [min, EndHash].
('ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),

-- Returns 1 when the row with that ETag was deleted, 0 otherwise.
('DeleteReminderRowKey', $q$
    WITH del AS (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
          AND Version = @Version
        RETURNING 1
    )
    SELECT count(*)::integer AS row_count FROM del;
$q$),

('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
