// The rule groups as /api/v1/rules gives them, for the Alerts and Rule health pages.

/** An alert of an alerting rule. */
export interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

/** A rule, alerting (with its alerts) or recording. */
export interface APIRule {
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting' | 'recording';
  state?: 'inactive' | 'pending' | 'firing';
  duration?: number;
  keepFiringFor?: number;
  annotations?: Record<string, string>;
  alerts?: RuleAlert[];
}

/** A rule group. */
export interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
  rules: APIRule[];
}
