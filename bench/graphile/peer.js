// Peer benchmark (issue 10, item 13): graphile-worker, a well-tuned PostgreSQL job queue, doing what
// bench/PipelineBench.java measures of Triggerfish: N jobs added in batches (16 in flight), each job one
// HTTP POST to a sink on 127.0.0.1; jobs/s from the first add to the last arrival at the sink.
// The load and the sink share this process (as PipelineBench's do); the worker runs in a child process
// (as Triggerfish runs in its own JVM), with graphile-worker's batching on: a local queue and batched
// completion (completeJobBatchDelay: 0, failJobBatchDelay: 0).
// Usage: node peer.js <postgres url> <jobs> <batch> [warm-up jobs]    (env PEER_CONCURRENCY, PEER_LOCAL_QUEUE)
"use strict";
const http = require("http");
const { fork } = require("child_process");

const CONCURRENCY = Number(process.env.PEER_CONCURRENCY || 64);
const LOCAL_QUEUE = Number(process.env.PEER_LOCAL_QUEUE || 500);

if (process.argv[2] === "--worker") {
  worker(process.argv[3], process.argv[4]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

/** The worker: one task, `deliver`, that POSTs the job's payload to the sink. */
async function worker(connectionString, sinkUrl) {
  const { run, Logger } = require("graphile-worker");
  // a line per job on stdout would cost the worker more than its jobs do: errors only
  const logger = new Logger(() => (level, message) => {
    if (level === "error") console.error(message);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(sinkUrl);
  const deliver = (payload, helpers) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(payload);
      const request = http.request(
        {
          agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST",
          headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body),
                     "Idempotency-Key": String(helpers.job.id) },
        },
        (response) => {
          response.resume();
          response.on("end", () => (response.statusCode < 300 ? resolve() : reject(new Error("sink answered " + response.statusCode))));
        });
      request.on("error", reject);
      request.end(body);
    });
  const runner = await run({
    preset: {
      worker: {
        connectionString,
        concurrentJobs: CONCURRENCY,
        maxPoolSize: Math.max(10, CONCURRENCY + 2),
        pollInterval: 1000,
        localQueue: { size: LOCAL_QUEUE },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
        logger,
      },
    },
    noHandleSignals: false,
    taskList: { deliver },
  });
  process.send("ready");
  await runner.promise;
}

async function main() {
  const [connectionString, jobsArg, batchArg, warmupArg] = process.argv.slice(2);
  const jobs = Number(jobsArg || 60000);
  const batch = Number(batchArg || 50);
  const warmup = Number(warmupArg || 60000);
  const { makeWorkerUtils, Logger } = require("graphile-worker");
  const { Pool } = require("pg");

  let arrivals = 0;
  const seen = new Map();
  let waiter = null;
  const sink = http.createServer((request, response) => {
    const key = request.headers["idempotency-key"] || "none";
    request.resume();
    request.on("end", () => {
      seen.set(key, (seen.get(key) || 0) + 1);
      arrivals++;
      response.statusCode = 204;
      response.end();
      if (waiter && arrivals >= waiter.n) {
        const w = waiter;
        waiter = null;
        w.resolve();
      }
    });
  });
  await new Promise((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const sinkUrl = `http://127.0.0.1:${sink.address().port}/hook`;

  const pgPool = new Pool({ connectionString, max: 16 });
  const utils = await makeWorkerUtils({ pgPool, logger: new Logger(() => () => {}) });
  await utils.migrate();
  const child = fork(__filename, ["--worker", connectionString, sinkUrl], { stdio: "inherit" });
  await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error("worker exited: " + code)));
  });

  const arrived = (n, seconds) =>
    new Promise((resolve, reject) => {
      if (arrivals >= n) return resolve();
      const timer = setTimeout(() => reject(new Error(`only ${arrivals} of ${n} jobs delivered in ${seconds} s`)), seconds * 1000);
      waiter = { n, resolve: () => { clearTimeout(timer); resolve(); } };
    });

  /** Adds n jobs in batches, at most 16 batches in flight (as PipelineBench POSTs). */
  async function add(prefix, n) {
    let next = 0;
    async function lane() {
      while (next < n) {
        const from = next;
        next = Math.min(n, next + batch);
        const specs = [];
        for (let i = from; i < next; i++) {
          specs.push({ identifier: "deliver", payload: { id: prefix + i, sent: String(process.hrtime.bigint()) } });
        }
        await utils.addJobs(specs);
      }
    }
    await Promise.all(Array.from({ length: 16 }, lane));
  }

  await add("w", warmup);
  await arrived(warmup, 120);
  arrivals = 0;
  seen.clear();
  console.log(`graphile-worker ${require("graphile-worker/package.json").version}: warm-up done (${warmup} jobs); measuring`);

  const t0 = process.hrtime.bigint();
  await add("t", jobs);
  const sentAt = process.hrtime.bigint();
  await arrived(jobs, 120);
  const t1 = process.hrtime.bigint();
  const seconds = Number(t1 - t0) / 1e9;
  // completion is batched: wait for the last completions to be written before counting what is left
  let left = -1;
  for (let i = 0; i < 50 && left !== 0; i++) {
    left = Number((await pgPool.query("select count(*) as n from graphile_worker._private_jobs")).rows[0].n);
    if (left !== 0) await new Promise((r) => setTimeout(r, 100));
  }
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  console.log(`throughput: ${jobs.toLocaleString("en")} jobs in batches of ${batch} (concurrency ${CONCURRENCY}, local queue ${LOCAL_QUEUE})`);
  console.log(`  added in ${(Number(sentAt - t0) / 1e9).toFixed(2)} s; all delivered after ${seconds.toFixed(2)} s`);
  console.log(`  delivered          ${Math.round(jobs / seconds).toLocaleString("en").padStart(10)} jobs/s`);
  console.log(`  sink arrivals ${arrivals}, jobs left in the queue ${left}, duplicate deliveries ${duplicates}, lost ${jobs - arrivals}`);
  console.log(`PEER_RATE ${Math.round(jobs / seconds)}`);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  await utils.release();
  await pgPool.end();
  sink.close();
}
