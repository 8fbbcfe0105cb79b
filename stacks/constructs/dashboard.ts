/** A CloudWatch dashboard drawn from the alarm catalogue: a heading per watched thing, its graphs below. */
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { dashboardBody, type Watched } from '../lib/alarm-catalogue';

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  /** Dashboard name: letters, digits, `-` and `_`. */
  readonly name: string;
  /** The region the graphs read their metrics in. */
  readonly region: string;
  /** What the dashboard shows, in order. */
  readonly watched: readonly Watched[];
}

/** One CloudWatch dashboard. */
export class Dashboard extends Construct {
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(props.name)) throw new Error(`Dashboard: name "${props.name}" may hold only letters, digits, - and _; use e.g. bookmarks-dev`);
    if (props.watched.length === 0) throw new Error(`Dashboard ${props.name}: nothing to show; give at least one watched thing`);
    const dashboard = new CloudwatchDashboard(this, 'dashboard', { dashboardName: props.name, dashboardBody: JSON.stringify(dashboardBody(props.region, props.watched)) });
    this.dashboardName = dashboard.dashboardName;
  }
}
