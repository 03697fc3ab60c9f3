export { writeAudit, readAudit, type Actor, type AuditRecord, type AuditedOperation } from './audit';
export { purge, requeue, type Audited, type PurgeTarget, type RequeueTarget } from './changes';
export { jobTrace, presentInfo, presentJob, type JobTrace, type PresentedInfo, type PresentedJob } from './present';
export { audit, deadLetters, info, listJobs, peek, stats, type ListedState } from './reads';
export { inAdminSpan } from './span';
export { deleteScheduler, getScheduler, listSchedulers, pauseOrResume, putScheduler, setLimits } from './controls';
