import { EmuError, own, route, type EmuRequest } from "../http";
import { nowOf } from "../clock";
import { SEXTANT_ROOT, notExist, pageBody, requiredString, tensorbayPrincipal, tensorbayRoute } from "./common";
import { DATASET_KIND, DatasetRow, newId } from "./datasets";

/**
 * The list's ListBenchmarks, CreateEvaluation, ListEvaluations and GetEvaluationResult, as the
 * SDK's Sextant client calls them (`apps/sextant.py`: `GET benchmarks`, `GET/POST
 * benchmarks/{id}/evaluations`, `GET benchmarks/{id}/evaluations/{id}/results`, under the
 * gateway's `apps-sextant/v1/`). Benchmarks are made in the Sextant app (the SDK's
 * `create_benchmark` sends nothing): here through a control route.
 */
export const BENCHMARK_KIND = "tensorbay.benchmark";

/** How long an evaluation runs, in emulator time. */
export const EVALUATION_MS = 5000;

interface EvaluationRow {
  evaluationId: string;
  datasetId: string;
  commitId: string;
  createdAtMs: number;
}

interface BenchmarkRow {
  benchmarkId: string;
  name: string;
  datasetId: string;
  commitId: string;
  evaluations: EvaluationRow[];
}

/** A commit of one of the principal's datasets (the benchmark's ground truth, or the evaluated labels). */
function checkCommit(store: EmuRequest["store"], principal: string, datasetId: string, commitId: string): void {
  const ds = (store.get(principal, DATASET_KIND, datasetId) as DatasetRow | undefined) ?? notExist(`dataset ${datasetId}`);
  if (!own(ds.commits, commitId)) notExist(`commit ${commitId}`);
}

function benchmarkOf(req: EmuRequest): BenchmarkRow {
  return (req.store.get(req.principal, BENCHMARK_KIND, req.params.benchmarkId) as BenchmarkRow | undefined) ?? notExist(`benchmark ${req.params.benchmarkId}`);
}

const sextantRoute = (spec: string, handler: Parameters<typeof tensorbayRoute>[1]) => tensorbayRoute(spec, handler, SEXTANT_ROOT);

export const sextantRoutes = [
  sextantRoute("GET /benchmarks", (req) => {
    const rows = (req.store.list(req.principal, BENCHMARK_KIND) as BenchmarkRow[]).map(({ benchmarkId, name, datasetId, commitId }) => ({ benchmarkId, name, datasetId, commitId }));
    return pageBody(req, rows, "benchmarks");
  }),
  sextantRoute("POST /benchmarks/{benchmarkId}/evaluations", (req) => {
    const benchmark = benchmarkOf(req);
    const datasetId = requiredString(req.body?.datasetId, "datasetId");
    const commitId = requiredString(req.body?.commitId, "commitId");
    checkCommit(req.store, req.principal, datasetId, commitId);
    const evaluation: EvaluationRow = { evaluationId: newId(), datasetId, commitId, createdAtMs: nowOf(req.store) };
    req.store.put(req.principal, BENCHMARK_KIND, benchmark.benchmarkId, { ...benchmark, evaluations: [...benchmark.evaluations, evaluation] });
    return { body: { evaluationId: evaluation.evaluationId } };
  }),
  sextantRoute("GET /benchmarks/{benchmarkId}/evaluations", (req) => {
    const rows = benchmarkOf(req).evaluations.map((e) => ({ evaluationId: e.evaluationId, createdAt: Math.floor(e.createdAtMs / 1000) }));
    return pageBody(req, rows, "evaluations");
  }),
  sextantRoute("GET /benchmarks/{benchmarkId}/evaluations/{evaluationId}/results", (req) => {
    const benchmark = benchmarkOf(req);
    const evaluation = benchmark.evaluations.find((e) => e.evaluationId === req.params.evaluationId) ?? notExist(`evaluation ${req.params.evaluationId}`);
    // The SDK returns this answer unread; its commented-out `get_status` names "processing",
    // "success" and "fail". The emulator computes no metrics: the answer says which run it is and whether it ended.
    const status = nowOf(req.store) < evaluation.createdAtMs + EVALUATION_MS ? "processing" : "success";
    return { body: { evaluationId: evaluation.evaluationId, benchmarkId: benchmark.benchmarkId, datasetId: evaluation.datasetId, commitId: evaluation.commitId, status } };
  }),
];

/** `POST /__emulator/tensorbay/benchmarks` `{accessKey, name, datasetId, commitId}`: a benchmark made in the Sextant app. */
export const benchmarkControlRoute = route(
  "POST /__emulator/tensorbay/benchmarks",
  (req) => {
    const b = req.body ?? {};
    const principal = tensorbayPrincipal(requiredString(b.accessKey, "accessKey"));
    const row: BenchmarkRow = { benchmarkId: newId(), name: requiredString(b.name, "name"), datasetId: requiredString(b.datasetId, "datasetId"), commitId: requiredString(b.commitId, "commitId"), evaluations: [] };
    try {
      checkCommit(req.store, principal, row.datasetId, row.commitId);
    } catch (err) {
      throw new EmuError(404, "EMU.0404", (err as Error).message);
    }
    req.store.put(principal, BENCHMARK_KIND, row.benchmarkId, row);
    return { body: { benchmarkId: row.benchmarkId } };
  },
  "none",
);
