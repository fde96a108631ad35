import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.api.transaction.OperationType;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Drives Apache Curator 5 (the Debian libcurator-*-java jars) against one server and prints one line per
 * check: "OK name" or "FAIL name why". Exits 0 only when every check passed. Run by
 * Interop/CuratorInteropTests.cs against Corral and against Apache ZooKeeper 3.8.
 * Usage: java -cp ... CuratorCheck host:port
 */
public final class CuratorCheck {
    interface Check { void run() throws Exception; }

    private static final long WAIT_MS = 10_000;
    private static String connect;
    private static String root;
    private static CuratorFramework c1;
    private static CuratorFramework c2;
    private static int failures;

    public static void main(String[] args) throws Exception {
        connect = args[0];
        root = "/curator-check-" + UUID.randomUUID().toString().substring(0, 8);
        c1 = newClient();
        c2 = newClient();
        try {
            check("connect", CuratorCheck::connectBoth);
            check("create_parents", CuratorCheck::createParents);
            check("versions", CuratorCheck::versions);
            check("transaction", CuratorCheck::transaction);
            check("mutex", CuratorCheck::mutex);
            check("leader_latch", CuratorCheck::leaderLatch);
            check("curator_cache", CuratorCheck::curatorCache);
            check("atomic_long", CuratorCheck::atomicLong);
            check("protected_ephemeral_sequential", CuratorCheck::protectedEphemeralSequential);
            try { c1.delete().deletingChildrenIfNeeded().forPath(root); } catch (Exception ignored) { }
        } finally {
            c1.close();
            c2.close();
        }
        System.out.flush();
        // Curator's and ZooKeeper's non-daemon threads must not keep the JVM alive.
        System.exit(failures == 0 ? 0 : 1);
    }

    private static CuratorFramework newClient() {
        return CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000)
                .retryPolicy(new ExponentialBackoffRetry(100, 3))
                .build();
    }

    private static void check(String name, Check body) {
        try {
            body.run();
            System.out.println("OK " + name);
        } catch (Throwable t) {
            failures++;
            System.out.println("FAIL " + name + " " + t.toString().replace('\n', ' '));
        }
        System.out.flush();
    }

    private static void require(boolean condition, String why) {
        if (!condition) throw new AssertionError(why);
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static void connectBoth() throws Exception {
        c1.start();
        c2.start();
        require(c1.blockUntilConnected((int) WAIT_MS, TimeUnit.MILLISECONDS), "client 1 did not connect");
        require(c2.blockUntilConnected((int) WAIT_MS, TimeUnit.MILLISECONDS), "client 2 did not connect");
    }

    private static void createParents() throws Exception {
        String path = root + "/tree/a/b";
        String created = c1.create().creatingParentsIfNeeded().forPath(path, bytes("leaf"));
        require(created.equals(path), "create returned " + created);
        require(Arrays.equals(c1.getData().forPath(path), bytes("leaf")), "leaf data differs");
        // Parents are created empty (Curator passes an empty array, not the leaf's data).
        require(c1.getData().forPath(root + "/tree/a").length == 0, "parent is not empty");
        require(c2.checkExists().forPath(root + "/tree") != null, "second client does not see the parent");
    }

    private static void versions() throws Exception {
        String path = root + "/versioned";
        c1.create().creatingParentsIfNeeded().forPath(path, bytes("v0"));
        Stat stat = new Stat();
        require(Arrays.equals(c1.getData().storingStatIn(stat).forPath(path), bytes("v0")), "v0 data");
        require(stat.getVersion() == 0, "initial version " + stat.getVersion());
        Stat after = c1.setData().withVersion(0).forPath(path, bytes("v1"));
        require(after.getVersion() == 1, "version after set " + after.getVersion());
        try {
            c2.setData().withVersion(0).forPath(path, bytes("stale"));
            throw new AssertionError("stale setData succeeded");
        } catch (KeeperException e) {
            require(e.code() == KeeperException.Code.BADVERSION, "stale setData gave " + e.code());
        }
        try {
            c2.delete().withVersion(5).forPath(path);
            throw new AssertionError("delete with wrong version succeeded");
        } catch (KeeperException e) {
            require(e.code() == KeeperException.Code.BADVERSION, "stale delete gave " + e.code());
        }
        require(Arrays.equals(c2.getData().forPath(path), bytes("v1")), "data after rejected writes");
        c2.delete().withVersion(1).forPath(path);
        require(c1.checkExists().forPath(path) == null, "node still exists after versioned delete");
    }

    private static void transaction() throws Exception {
        String base = root + "/txn";
        c1.create().creatingParentsIfNeeded().forPath(base, bytes("base"));
        CuratorOp create = c1.transactionOp().create().forPath(base + "/x", bytes("x"));
        CuratorOp set = c1.transactionOp().setData().withVersion(0).forPath(base, bytes("base2"));
        CuratorOp check = c1.transactionOp().check().withVersion(0).forPath(base + "/x");
        List<CuratorTransactionResult> results = c1.transaction().forOperations(create, set, check);
        require(results.size() == 3, "result count " + results.size());
        require(results.get(0).getType() == OperationType.CREATE && results.get(0).getResultPath().equals(base + "/x"),
                "create result " + results.get(0).getType() + " " + results.get(0).getResultPath());
        require(results.get(1).getType() == OperationType.SET_DATA && results.get(1).getResultStat().getVersion() == 1,
                "setData result");
        require(results.get(2).getType() == OperationType.CHECK, "check result " + results.get(2).getType());

        // A failing check aborts the whole transaction: the create before it must not be applied.
        CuratorOp create2 = c1.transactionOp().create().forPath(base + "/y");
        CuratorOp badCheck = c1.transactionOp().check().withVersion(7).forPath(base);
        try {
            c1.transaction().forOperations(create2, badCheck);
            throw new AssertionError("transaction with a bad check succeeded");
        } catch (KeeperException e) {
            require(e.code() == KeeperException.Code.BADVERSION, "failed transaction gave " + e.code());
        }
        require(c2.checkExists().forPath(base + "/y") == null, "aborted transaction left " + base + "/y");

        // The deprecated inTransaction() builder still works (and is what older Curator users call).
        @SuppressWarnings("deprecation")
        var legacy = c1.inTransaction().create().forPath(base + "/z", bytes("z")).and().delete().forPath(base + "/x").and().commit();
        require(legacy.size() == 2, "legacy result count " + legacy.size());
        require(c2.checkExists().forPath(base + "/z") != null && c2.checkExists().forPath(base + "/x") == null,
                "legacy transaction effects");
    }

    private static void mutex() throws Exception {
        String path = root + "/mutex";
        InterProcessMutex m1 = new InterProcessMutex(c1, path);
        InterProcessMutex m2 = new InterProcessMutex(c2, path);
        require(m1.acquire(WAIT_MS, TimeUnit.MILLISECONDS), "client 1 could not acquire a free mutex");
        require(m1.isAcquiredInThisProcess(), "client 1 does not hold the mutex");
        require(!m2.acquire(300, TimeUnit.MILLISECONDS), "client 2 acquired a held mutex");
        require(c1.getChildren().forPath(path).size() == 1, "abandoned waiter left its node: " + c1.getChildren().forPath(path));
        // Client 2 waits; releasing on client 1 must hand the mutex over.
        // InterProcessMutex is owned by the acquiring thread, so the waiter releases it itself.
        CountDownLatch acquired = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                if (m2.acquire(WAIT_MS, TimeUnit.MILLISECONDS)) {
                    acquired.countDown();
                    m2.release();
                    released.countDown();
                }
            } catch (Exception ignored) { }
        });
        waiter.start();
        require(!acquired.await(300, TimeUnit.MILLISECONDS), "client 2 acquired while client 1 still held it");
        m1.release();
        require(acquired.await(WAIT_MS, TimeUnit.MILLISECONDS), "client 2 never acquired after release");
        require(released.await(WAIT_MS, TimeUnit.MILLISECONDS), "client 2 could not release");
        waiter.join();
        require(c1.getChildren().forPath(path).isEmpty(), "lock nodes left after release");
    }

    private static void leaderLatch() throws Exception {
        String path = root + "/leader";
        LeaderLatch l1 = new LeaderLatch(c1, path, "one");
        LeaderLatch l2 = new LeaderLatch(c2, path, "two");
        l1.start();
        l2.start();
        try {
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!(l1.hasLeadership() || l2.hasLeadership()) && System.currentTimeMillis() < deadline) Thread.sleep(20);
            require(l1.hasLeadership() ^ l2.hasLeadership(), "leaders: one=" + l1.hasLeadership() + " two=" + l2.hasLeadership());
            LeaderLatch leader = l1.hasLeadership() ? l1 : l2;
            LeaderLatch follower = leader == l1 ? l2 : l1;
            // Both participants agree on who leads; wait until the follower's node exists too.
            deadline = System.currentTimeMillis() + WAIT_MS;
            while (follower.getParticipants().size() < 2 && System.currentTimeMillis() < deadline) Thread.sleep(20);
            require(follower.getParticipants().size() == 2, "participants " + follower.getParticipants());
            require(follower.getLeader().getId().equals(leader.getId()), "follower sees leader " + follower.getLeader().getId());
            leader.close();
            require(follower.await(WAIT_MS, TimeUnit.MILLISECONDS), "no failover after the leader closed");
            require(follower.hasLeadership() && follower.getParticipants().size() == 1, "after failover");
        } finally {
            for (LeaderLatch l : new LeaderLatch[] { l1, l2 })
                if (l.getState() == LeaderLatch.State.STARTED) l.close();
        }
    }

    private static void curatorCache() throws Exception {
        String path = root + "/cache";
        c1.create().creatingParentsIfNeeded().forPath(path, bytes("top"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = CuratorCache.build(c1, path);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(n -> events.add("create " + n.getPath() + " " + new String(n.getData(), StandardCharsets.UTF_8)))
                .forChanges((o, n) -> events.add("change " + n.getPath() + " " + new String(n.getData(), StandardCharsets.UTF_8)))
                .forDeletes(o -> events.add("delete " + o.getPath()))
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        try {
            require(initialized.await(WAIT_MS, TimeUnit.MILLISECONDS), "cache never initialized");
            expect(events, "create " + path + " top");
            // Writes come from the other client, so the events arrive through the watches alone.
            c2.create().forPath(path + "/child", bytes("one"));
            expect(events, "create " + path + "/child one");
            c2.setData().forPath(path + "/child", bytes("two"));
            expect(events, "change " + path + "/child two");
            c2.create().forPath(path + "/child/grand", bytes("g"));
            expect(events, "create " + path + "/child/grand g");
            c2.delete().deletingChildrenIfNeeded().forPath(path + "/child");
            List<String> deletes = new ArrayList<>(List.of(take(events), take(events)));
            deletes.sort(null);
            require(deletes.equals(List.of("delete " + path + "/child", "delete " + path + "/child/grand")), "deletes " + deletes);
            require(cache.get(path + "/child").isEmpty() && cache.size() == 1, "cache content after delete");
        } finally {
            cache.close();
        }
    }

    private static String take(BlockingQueue<String> events) throws InterruptedException {
        String e = events.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        require(e != null, "no event within " + WAIT_MS + " ms");
        return e;
    }

    private static void expect(BlockingQueue<String> events, String expected) throws InterruptedException {
        String e = take(events);
        require(e.equals(expected), "expected event '" + expected + "', got '" + e + "'");
    }

    private static void atomicLong() throws Exception {
        String path = root + "/counter";
        DistributedAtomicLong a1 = new DistributedAtomicLong(c1, path, new RetryNTimes(20, 10));
        DistributedAtomicLong a2 = new DistributedAtomicLong(c2, path, new RetryNTimes(20, 10));
        // Both clients increment at once: optimistic setData with versions must not lose an update.
        java.util.concurrent.atomic.AtomicInteger otherSucceeded = new java.util.concurrent.atomic.AtomicInteger();
        Thread other = new Thread(() -> {
            try { for (int i = 0; i < 10; i++) if (a2.increment().succeeded()) otherSucceeded.incrementAndGet(); }
            catch (Exception ignored) { }
        });
        other.start();
        int succeeded = 0;
        for (int i = 0; i < 10; i++) if (a1.increment().succeeded()) succeeded++;
        other.join(WAIT_MS);
        require(succeeded == 10 && otherSucceeded.get() == 10,
                "increments succeeded: client 1 " + succeeded + "/10, client 2 " + otherSucceeded.get() + "/10");
        AtomicValue<Long> value = a1.get();
        require(value.succeeded() && value.postValue() == 20L, "counter " + value.postValue());
        AtomicValue<Long> added = a2.add(5L);
        require(added.succeeded() && added.preValue() == 20L && added.postValue() == 25L,
                "add gave " + added.preValue() + " -> " + added.postValue());
        // Curator stores the value as 8 bytes big-endian.
        byte[] raw = c1.getData().forPath(path);
        require(raw.length == 8 && java.nio.ByteBuffer.wrap(raw).getLong() == 25L, "raw value " + Arrays.toString(raw));
    }

    private static void protectedEphemeralSequential() throws Exception {
        String parent = root + "/protected";
        String created = c1.create().creatingParentContainersIfNeeded().withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(parent + "/job-", bytes("p"));
        String name = created.substring(parent.length() + 1);
        // _c_<36-char uuid>-job-<10 digits>
        require(name.matches("_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-job-\\d{10}"), "name " + name);
        Stat stat = c2.checkExists().forPath(created);
        require(stat != null, "second client cannot see " + created);
        require(stat.getEphemeralOwner() == c1.getZookeeperClient().getZooKeeper().getSessionId(), "ephemeral owner");
        require(Arrays.equals(c2.getData().forPath(created), bytes("p")), "data");
        String second = c1.create().withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(parent + "/job-");
        require(Long.parseLong(second.substring(second.length() - 10)) == Long.parseLong(name.substring(name.length() - 10)) + 1,
                "sequence " + created + " then " + second);
    }
}
