package io.shardgate.gateway.http;

import io.shardgate.cluster.http.Problem;

/** Carries a client-facing problem out of a validation step. */
public final class ProblemException extends RuntimeException {
  private final Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
