package io.jenkins.plugins.moat;

import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jvnet.hudson.test.JenkinsRule;

/** Starts a sandboxed Pipeline job with a script, as the steps' tests need it. */
final class Pipelines {

  private Pipelines() {}

  static WorkflowRun start(JenkinsRule j, String script) throws Exception {
    WorkflowJob job = j.createProject(WorkflowJob.class);
    job.setDefinition(new CpsFlowDefinition(script, true));
    return job.scheduleBuild2(0).waitForStart();
  }
}
