package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.nn.Precision;
import dev.graft.serve.GraftServer;
import dev.graft.serve.ModelSlot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code graft serve}: a prediction page and an HTTP API (TorchServe-style and KServe v2) for trained runs. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve trained runs over HTTP.",
                "  GET /                    a page: drop an image, see its top-5 classes",
                "  POST /predictions/NAME   the image as the body: {\"label\": probability, ...}",
                "  GET /ping, GET /models   health and the models served (TorchServe style)",
                "  /v2/health/live, /v2/health/ready, /v2/models/NAME, /v2/models/NAME/infer",
                "                           the Open Inference Protocol (KServe v2)",
                "Requests arriving together share one forward pass; a full queue answers 503",
                "with Retry-After. SIGTERM or Ctrl-C finishes the requests in flight and exits 0.",
                "One access-log line per request on stdout."},
        footer = {"", "Examples:", "  graft serve --model runs/resnet18-2026-11-23",
                "  curl --data-binary @cat.jpg localhost:8080/predictions/resnet18-2026-11-23",
                "  graft serve --model pets=runs/pets --model birds=runs/birds --port 9000",
                "  curl localhost:9000/v2/models/pets/infer -d @request.json",
                "    request.json: {\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\",",
                "                   \"shape\": [1], \"data\": [\"<the image file in base64>\"]}]}"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "[NAME=]RUN", required = true,
            description = "A Graft run directory to serve; repeat for several (NAME defaults to the folder's name).")
    List<String> models;

    @Option(names = "--name", paramLabel = "NAME", description = "The name of the one model served (default: the run folder's name).")
    String name;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @CommandLine.Mixin
    PrecisionOption precision;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "8", description = "Most images in one forward pass (default: ${DEFAULT-VALUE}; 1 turns batching off).")
    int maxBatch;

    @Option(names = "--max-wait-ms", paramLabel = "MS", defaultValue = "5", description = "How long a batch waits for more requests (default: ${DEFAULT-VALUE}).")
    int maxWaitMs;

    @Option(names = "--max-queue", paramLabel = "N", defaultValue = "64", description = "Requests waiting per model before 503 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "10", description = "Largest upload accepted, larger is 413 (default: ${DEFAULT-VALUE}).")
    int maxUploadMb;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "30000", description = "A request not answered by then gets 503 (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private record Named(String name, Path run) {}

    private List<Named> named() {
        List<Named> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String m : models) {
            int eq = m.indexOf('=');
            Path run = Path.of(eq > 0 ? m.substring(eq + 1) : m);
            String n = eq > 0 ? m.substring(0, eq) : name != null && models.size() == 1 ? name
                    : run.toAbsolutePath().normalize().getFileName().toString();
            if (!n.matches("[A-Za-z0-9._-]+")) usage("a model name may hold only letters, digits, '.', '_' and '-', not '" + n + "'");
            if (!seen.add(n)) usage("two models are named '" + n + "'; give them names with --model NAME=RUN");
            out.add(new Named(n, run));
        }
        return out;
    }

    private void usage(String problem) {
        throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (name != null && models.size() > 1) usage("--name is for one model; name several with --model NAME=RUN");
        if (port < 0 || port > 65535) usage("--port must be 0-65535, not " + port);
        for (int v : new int[] {maxBatch, maxQueue, maxUploadMb, timeoutMs}) {
            if (v <= 0) usage("--max-batch, --max-queue, --max-upload-mb and --timeout-ms must be positive");
        }
        if (maxWaitMs < 0) usage("--max-wait-ms must be 0 or more, not " + maxWaitMs);
        boolean bf16;
        try {
            bf16 = Precision.parse(precision.precision) == Precision.BF16;
        } catch (GraftException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<Named> named = named();
        List<ModelSlot> slots = new ArrayList<>();
        for (Named n : named) slots.add(ModelSlot.open(n.name(), n.run(), bf16));
        GraftServer server = new GraftServer(slots,
                new GraftServer.Options(host, port, maxBatch, maxWaitMs, maxQueue, maxUploadMb, timeoutMs), System.out::println);
        int bound;
        try {
            bound = server.start();
        } catch (RuntimeException e) {
            server.close();
            throw new GraftException("cannot listen on " + host + ":" + port + " (" + rootMessage(e) + ").", e);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Console.info("serving " + String.join(", ", named.stream().map(Named::name).toList()) + " at http://"
                + host + ":" + bound + "/ (SIGTERM or Ctrl-C stops)");
        stop.await();
        Console.info("stopping: finishing the requests in flight");
        server.close();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage() == null ? "address unavailable" : e.getMessage();
    }
}
