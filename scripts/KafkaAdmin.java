// KafkaAdmin.java: the few cluster operations the kafka3 profile and its tests need, through Kafka's own
// AdminClient (kafka-clients, already among the broker's jars), so no extra tool has to be installed.
// scripts/kafka.sh admin ... compiles it once (javac, JDK 17) and runs it with the cluster's bootstrap list:
//
//   KafkaAdmin BOOTSTRAP create-topics NAME:PARTITIONS:RETENTION_MS...
//       creates each missing topic (replication factor 3, retention.ms as given); an existing topic
//       with fewer partitions gets more (never fewer). Prints one line per topic.
//   KafkaAdmin BOOTSTRAP describe [TOPIC...]
//       one line per partition: topic partition leader replicas isr end_offset (all topics if none given)
//   KafkaAdmin BOOTSTRAP busiest TOPIC
//       "PARTITION LEADER END_OFFSET" of the partition of TOPIC with the most messages
//   KafkaAdmin BOOTSTRAP wait-isr SECONDS
//       waits until every partition (internal topics included) has a leader and all its replicas in
//       sync; exit status 1 (and the lagging partitions on stderr) if that does not happen in time
//   KafkaAdmin BOOTSTRAP balance SECONDS
//       wait-isr, and every partition led by its preferred replica (the first of its replica list):
//       asks for a preferred-leader election where that replica is in sync. A cluster just started
//       node by node has most leaders on the first node up; the brokers' own rebalance moves them
//       30 s later, under whatever load runs then (seconds of NOT_LEADER retries for producers and
//       consumers). `kafka.sh start` runs this once all three nodes are up.
//
// Exit status: 0 done, 1 the operation failed, 2 usage.
import java.util.*;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

public class KafkaAdmin {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaAdmin BOOTSTRAP create-topics|describe|busiest|wait-isr|balance ...");
            System.exit(2);
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "todod-kafka-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "200");
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        int rc;
        try (Admin admin = Admin.create(p)) {
            switch (args[1]) {
                case "create-topics": rc = createTopics(admin, rest); break;
                case "describe": rc = describe(admin, rest); break;
                case "busiest": rc = busiest(admin, rest); break;
                case "wait-isr": rc = waitIsr(admin, rest); break;
                case "balance": rc = balance(admin, rest); break;
                default:
                    System.err.println("KafkaAdmin: unknown command " + args[1]);
                    rc = 2;
            }
        } catch (ExecutionException e) {
            System.err.println("KafkaAdmin " + args[1] + ": " + e.getCause());
            rc = 1;
        }
        System.exit(rc);
    }

    static int createTopics(Admin admin, List<String> specs) throws Exception {
        Set<String> existing = admin.listTopics().names().get();
        for (String spec : specs) {
            String[] f = spec.split(":");
            if (f.length != 3) {
                System.err.println("KafkaAdmin: topic spec \"" + spec + "\" is not NAME:PARTITIONS:RETENTION_MS");
                return 2;
            }
            String name = f[0];
            int partitions = Integer.parseInt(f[1]);
            if (existing.contains(name)) {
                int have = admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().size();
                if (have < partitions) {
                    admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all().get();
                    System.out.println("topic " + name + ": partitions " + have + " -> " + partitions);
                } else {
                    System.out.println("topic " + name + ": exists with " + have + " partitions");
                }
                continue;
            }
            NewTopic t = new NewTopic(name, partitions, (short) 3).configs(Map.of("retention.ms", f[2]));
            try {
                admin.createTopics(List.of(t)).all().get();
                System.out.println("topic " + name + ": created, " + partitions + " partitions, replication 3, retention.ms " + f[2]);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException))
                    throw e;
                System.out.println("topic " + name + ": exists");
            }
        }
        return 0;
    }

    static Map<String, TopicDescription> topics(Admin admin, List<String> names, boolean internal) throws Exception {
        Collection<String> all = names.isEmpty()
            ? admin.listTopics(new ListTopicsOptions().listInternal(internal)).names().get() : names;
        return new TreeMap<>(admin.describeTopics(all).allTopicNames().get());
    }

    // End offsets of the partitions that have a leader; -1 for the others and for any partition whose
    // leader does not answer within 5 s (during a fail-over the metadata may still name a dead leader).
    static Map<TopicPartition, Long> endOffsets(Admin admin, Map<String, TopicDescription> ts) {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicDescription t : ts.values())
            for (TopicPartitionInfo i : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), i.partition());
                out.put(tp, -1L);
                if (i.leader() != null)
                    q.put(tp, OffsetSpec.latest());
            }
        ListOffsetsResult r = admin.listOffsets(q, new ListOffsetsOptions().timeoutMs(5000));
        for (TopicPartition tp : q.keySet()) {
            try {
                out.put(tp, r.partitionResult(tp).get().offset());
            } catch (Exception e) {
                // leave -1
            }
        }
        return out;
    }

    static String ids(List<Node> nodes) {
        return nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(","));
    }

    static int describe(Admin admin, List<String> names) throws Exception {
        Map<String, TopicDescription> ts = topics(admin, names, false);
        Map<TopicPartition, Long> ends = endOffsets(admin, ts);
        for (TopicDescription t : ts.values())
            for (TopicPartitionInfo i : t.partitions()) {
                Node l = i.leader();
                System.out.printf("%s %d leader=%s replicas=%s isr=%s end_offset=%d%n", t.name(), i.partition(),
                    l == null ? "none" : Integer.toString(l.id()), ids(i.replicas()), ids(i.isr()),
                    ends.get(new TopicPartition(t.name(), i.partition())));
            }
        return 0;
    }

    static int busiest(Admin admin, List<String> names) throws Exception {
        if (names.size() != 1) {
            System.err.println("usage: KafkaAdmin BOOTSTRAP busiest TOPIC");
            return 2;
        }
        Map<String, TopicDescription> ts = topics(admin, names, false);
        Map<TopicPartition, Long> ends = endOffsets(admin, ts);
        TopicPartitionInfo best = null;
        long most = -1;
        for (TopicPartitionInfo i : ts.get(names.get(0)).partitions()) {
            long n = ends.get(new TopicPartition(names.get(0), i.partition()));
            if (n > most && i.leader() != null) {
                most = n;
                best = i;
            }
        }
        if (best == null) {
            System.err.println("KafkaAdmin: no partition of " + names.get(0) + " has a leader");
            return 1;
        }
        System.out.println(best.partition() + " " + best.leader().id() + " " + most);
        return 0;
    }

    static int waitIsr(Admin admin, List<String> args) throws Exception {
        long deadline = System.nanoTime() + (long) (Double.parseDouble(args.isEmpty() ? "60" : args.get(0)) * 1e9);
        List<String> lagging = List.of();
        while (true) {
            lagging = new ArrayList<>();
            try {
                for (TopicDescription t : topics(admin, List.of(), true).values())
                    for (TopicPartitionInfo i : t.partitions())
                        if (i.leader() == null || i.isr().size() < i.replicas().size())
                            lagging.add(t.name() + "-" + i.partition() + " leader=" + (i.leader() == null ? "none" : i.leader().id())
                                + " replicas=" + ids(i.replicas()) + " isr=" + ids(i.isr()));
            } catch (ExecutionException e) {
                lagging.add("cluster: " + e.getCause());
            }
            if (lagging.isEmpty())
                return 0;
            if (System.nanoTime() > deadline) {
                System.err.println("KafkaAdmin wait-isr: " + lagging.size() + " partitions not fully in sync:");
                lagging.stream().limit(20).forEach(s -> System.err.println("  " + s));
                return 1;
            }
            Thread.sleep(250);
        }
    }

    static int balance(Admin admin, List<String> args) throws Exception {
        long deadline = System.nanoTime() + (long) (Double.parseDouble(args.isEmpty() ? "60" : args.get(0)) * 1e9);
        while (true) {
            List<String> off = new ArrayList<>();
            Set<TopicPartition> elect = new HashSet<>();
            try {
                for (TopicDescription t : topics(admin, List.of(), true).values())
                    for (TopicPartitionInfo i : t.partitions()) {
                        int preferred = i.replicas().get(0).id();
                        boolean inSync = i.isr().stream().anyMatch(n -> n.id() == preferred);
                        if (i.leader() != null && i.leader().id() == preferred && i.isr().size() == i.replicas().size())
                            continue;
                        off.add(t.name() + "-" + i.partition() + " leader=" + (i.leader() == null ? "none" : i.leader().id())
                            + " preferred=" + preferred + " isr=" + ids(i.isr()));
                        if (i.leader() != null && i.leader().id() != preferred && inSync)
                            elect.add(new TopicPartition(t.name(), i.partition()));
                    }
            } catch (ExecutionException e) {
                off.add("cluster: " + e.getCause());
            }
            if (off.isEmpty())
                return 0;
            if (!elect.isEmpty()) {
                try {
                    admin.electLeaders(org.apache.kafka.common.ElectionType.PREFERRED, elect).all().get();
                } catch (ExecutionException e) {
                    // an election already running, or a replica that just left the ISR: look again
                }
            }
            if (System.nanoTime() > deadline) {
                System.err.println("KafkaAdmin balance: " + off.size() + " partitions not on their preferred leader or not in sync:");
                off.stream().limit(20).forEach(s -> System.err.println("  " + s));
                return 1;
            }
            Thread.sleep(250);
        }
    }
}
