import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CONFIGURATION_SET_DIMENSION, DISPATCH_TAG } from './mail-identity.ts';
import { KILL_METRIC_NAMESPACE, UNSEEN_KILLS_METRIC } from '../../src/pipeline/pickup/kill-watch.ts';

/** SES reviews an account at a 5 % bounce rate and may pause sending at 10 %. */
export const BOUNCE_RATE_ALARM = 0.05;
/** SES reviews an account at a 0.1 % complaint rate and may pause sending at 0.5 %. */
export const COMPLAINT_RATE_ALARM = 0.001;
/** The `message` of the JSON log line (src/log.ts) ses-events writes when a dispatch pauses itself
 * (`sending.autoPause`); the alarm matches it exactly. */
export const AUTO_PAUSE_MESSAGE = 'dispatch paused automatically';

export interface OperationsProps {
  /** Every handler, by a short name used in alarm and widget titles. */
  readonly functions: Record<string, lambda.IFunction>;
  /** Queues that must stay empty: anything in them is work that failed for good. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** The dispatch queue, to show its backlog. */
  readonly dispatchQueue: sqs.IQueue;
  /** Where alarm notifications are emailed. Default: none (alarms show in CloudWatch only). */
  readonly alarmEmail?: string | undefined;
  /** The SES metrics the configuration set's CloudWatch destination publishes (Send, Delivery, ...), graphed per
   * dispatch. Default: none, no per-dispatch graphs. */
  readonly dispatchMetrics?: { readonly configurationSetName: string; readonly metricNames: readonly string[] };
  /** The log group of ses-events, which logs AUTO_PAUSE_MESSAGE when a dispatch pauses itself. Default: none, no
   * auto-pause alarm. */
  readonly sesEventsLogGroup?: logs.ILogGroup;
  /** The function whose scheduled run publishes UNSEEN_KILLS_METRIC (the publish function). Default: none, no alarm. */
  readonly unseenKills?: lambda.IFunction;
}

/**
 * Alarms on what someone must look at (dead letters, handler errors and throttles, the SES reputation rates at
 * SES's own review thresholds) and a dashboard of the pipeline.
 */
export class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic: sns.Topic | undefined;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    if (props.alarmEmail) {
      this.topic = new sns.Topic(this, 'Alarms', { displayName: 'Broadsheet alarms', enforceSSL: true });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'Carries only CloudWatch alarm state changes (alarm names and metric values, no subscriber data); CloudWatch cannot ' +
          'publish to a topic encrypted with the AWS managed SNS key, and a customer managed key for this alone is not worth its cost.',
      });
    }
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (this.topic) {
        created.addAlarmAction(new actions.SnsAction(this.topic));
        created.addOkAction(new actions.SnsAction(this.topic));
      }
      this.alarms.push(created);
      return created;
    };
    const fiveMinutes = Duration.minutes(5);

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        1,
        `${name}: messages that failed for good are waiting; read them, fix the cause, then redrive.`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        `${name}: the handler failed; see its log group.`,
      );
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        `${name}: invocations were throttled.`,
      );
    }
    const sesRate = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    alarm(
      'BounceRate',
      sesRate('Reputation.BounceRate'),
      BOUNCE_RATE_ALARM,
      'SES bounce rate reached 5 %: SES reviews the account here and may pause sending at 10 %. Clean the list.',
    );
    alarm(
      'ComplaintRate',
      sesRate('Reputation.ComplaintRate'),
      COMPLAINT_RATE_ALARM,
      'SES complaint rate reached 0.1 %: SES reviews the account here and may pause sending at 0.5 %.',
    );

    if (props.sesEventsLogGroup) {
      const paused = new logs.MetricFilter(this, 'AutoPauseFilter', {
        logGroup: props.sesEventsLogGroup,
        // One namespace per stack, so two deployments in one account never count each other's pauses.
        metricNamespace: `Broadsheet/${Stack.of(this).stackName}`,
        metricName: 'DispatchesPausedAutomatically',
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', AUTO_PAUSE_MESSAGE),
        metricValue: '1',
      });
      alarm(
        'DispatchAutoPaused',
        paused.metric({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        'A dispatch paused itself: its bounces or complaints passed sending.autoPause. Its ses-events log line names it and the ' +
          'rates; find the cause (a bad list, a complaint wave) before resuming it.',
      );
    }

    if (props.unseenKills) {
      alarm(
        'PartnerKillUnseen',
        new cloudwatch.Metric({
          namespace: KILL_METRIC_NAMESPACE,
          metricName: UNSEEN_KILLS_METRIC,
          dimensionsMap: { FunctionName: props.unseenKills.functionName },
          period: Duration.minutes(15),
          statistic: 'Maximum',
        }),
        1,
        'A partner has not fetched a withdrawal (a kill) an hour after it: it may still show the withdrawn text. The publish ' +
          "function's log line names the partner and the slug; npx broadsheet partners report <id> shows what it fetched. " +
          'Call the partner.',
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Invocations',
        left: fns.map(([n, f]) => f.metricInvocations({ label: n })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors',
        left: fns.map(([n, f]) => f.metricErrors({ label: n })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Duration (p95)',
        left: fns.map(([n, f]) => f.metricDuration({ label: n, statistic: 'p95' })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dispatch backlog',
        left: [
          props.dispatchQueue.metricApproximateNumberOfMessagesVisible({ label: 'shards waiting' }),
          props.dispatchQueue.metricApproximateNumberOfMessagesNotVisible({ label: 'shards in flight' }),
        ],
        right: [props.dispatchQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest shard (s)' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'SES sending',
        left: ['Send', 'Delivery', 'Bounce', 'Complaint'].map(
          (m) => new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: m, statistic: 'Sum', period: fiveMinutes }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation',
        left: [sesRate('Reputation.BounceRate'), sesRate('Reputation.ComplaintRate')],
        leftAnnotations: [
          { value: BOUNCE_RATE_ALARM, label: 'bounce review' },
          { value: COMPLAINT_RATE_ALARM, label: 'complaint review' },
        ],
        width: 8,
      }),
      new cloudwatch.SingleValueWidget({
        title: 'Dead letters',
        metrics: Object.entries(props.deadLetterQueues).map(([n, q]) =>
          q.metricApproximateNumberOfMessagesVisible({ label: n }),
        ),
        width: 24,
      }),
    );
    if (props.dispatchMetrics) this.addDispatchWidgets(props.dispatchMetrics, fiveMinutes);
  }

  /** One graph per SES metric, a line per dispatch (the `dispatch` message tag; `none` outside any dispatch). */
  private addDispatchWidgets(metrics: NonNullable<OperationsProps['dispatchMetrics']>, period: Duration): void {
    const set = CONFIGURATION_SET_DIMENSION;
    this.dashboard.addWidgets(
      ...metrics.metricNames.map(
        (name) =>
          new cloudwatch.GraphWidget({
            title: `SES ${name} per dispatch`,
            left: [
              new cloudwatch.MathExpression({
                expression: `SEARCH('{AWS/SES,"${set}",${DISPATCH_TAG}} MetricName="${name}" "${set}"="${metrics.configurationSetName}"', 'Sum', ${period.toSeconds()})`,
                usingMetrics: {},
                // One line per dispatch, named by its tag (a dynamic label).
                label: `\${PROP('Dim.${DISPATCH_TAG}')}`,
                period,
              }),
            ],
            width: 6,
          }),
      ),
    );
  }
}
