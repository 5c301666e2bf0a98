import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { isolate } from '../../../i18n/i18n.ts';
import { ConfirmDialog } from '../../admin/ConfirmDialog.tsx';
import { Day, NodeId } from './JitFacts.tsx';
import { type JitEntry, type JitSpace, type JitTask, jitApi, type NewTask } from './jit-api.ts';
import { JitProblem, type Problem, ProblemMessage, problemOf, useJitForm } from './jit-errors.tsx';

interface TaskSectionProps {
  space: JitSpace;
  canWrite: boolean;
  onEntry(entry: JitEntry): void;
  onStale(): void;
}

/** The tasks of the team, open and done, each done once by any party; and the form to add one. */
export function TaskSection({ space, canWrite, onEntry, onStale }: TaskSectionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [closing, setClosing] = useState<JitTask | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [failure, setFailure] = useState<Problem | null>(null);
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.jit.tasks.title')}</h2>
      <p role="status" className={outcome ? 'notice' : undefined}>
        {outcome}
      </p>
      {failure && <ProblemMessage problem={failure} />}
      {space.tasks.length === 0 ? (
        <p>{t('cooperation.jit.tasks.none')}</p>
      ) : (
        <TaskTable
          tasks={space.tasks}
          canWrite={canWrite}
          onDone={(task) => {
            setOutcome(null);
            setFailure(null);
            setClosing(task);
          }}
        />
      )}
      {closing && (
        <ConfirmDialog
          title={t('cooperation.jit.tasks.confirmTitle')}
          body={t('cooperation.jit.tasks.confirmBody', { title: isolate(closing.title) })}
          confirm={t('cooperation.jit.tasks.confirm')}
          pending={t('cooperation.jit.working')}
          action={async () => {
            // The team's own refusals (ended, done already) are shown beside the tasks, with the dialog closed.
            try {
              return { entry: await jitApi.completeTask(space.id, closing.id), problem: null };
            } catch (error) {
              if (error instanceof ApiError && (error.id === 'jit_task_done' || error.id === 'jit_ended'))
                return { entry: null, problem: problemOf(error) };
              throw error;
            }
          }}
          onCancel={() => setClosing(null)}
          onDone={({ entry, problem }) => {
            const title = closing.title;
            setClosing(null);
            if (entry) {
              onEntry(entry);
              setOutcome(t('cooperation.jit.tasks.closed', { title: isolate(title) }));
            } else {
              setFailure(problem);
              if (problem === 'jit_task_done') onStale();
            }
          }}
        />
      )}
      {canWrite && <NewTaskForm space={space} onAdded={onEntry} />}
    </section>
  );
}

function TaskTable({ tasks, canWrite, onDone }: { tasks: JitTask[]; canWrite: boolean; onDone(task: JitTask): void }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const open = tasks.filter((task) => task.status === 'open').length;
  return (
    <ScrollingTable caption={t('cooperation.jit.tasks.caption', { count: tasks.length, open })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.jit.tasks.task')}</th>
          <th scope="col">{t('cooperation.jit.tasks.assignedNode')}</th>
          <th scope="col">{t('cooperation.jit.tasks.due')}</th>
          <th scope="col">{t('cooperation.jit.tasks.addedBy')}</th>
          <th scope="col">{t('cooperation.jit.tasks.status')}</th>
          {canWrite && <th scope="col">{t('cooperation.jit.tasks.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.id}>
            <th scope="row">
              <bdi>{task.title}</bdi>
            </th>
            <td>{task.assignedNode ? <NodeId id={task.assignedNode} /> : t('cooperation.jit.tasks.anyParty')}</td>
            <td>{task.due ? <Day value={task.due} /> : '—'}</td>
            <td>
              <bdi>{task.author.name}</bdi> · <NodeId id={task.node} />
              <br />
              <time dateTime={task.at}>{formatTime(task.at)}</time>
            </td>
            <td>
              {task.done ? (
                <>
                  {t('cooperation.jit.tasks.doneBy')} <bdi>{task.done.author.name}</bdi> ·{' '}
                  <NodeId id={task.done.node} />
                  <br />
                  <time dateTime={task.done.at}>{formatTime(task.done.at)}</time>
                </>
              ) : (
                t('cooperation.jit.tasks.open')
              )}
            </td>
            {canWrite && (
              <td>
                {task.status === 'open' && (
                  <button type="button" className="button secondary small" onClick={() => onDone(task)}>
                    {t('cooperation.jit.tasks.markDone')}
                    <span className="visually-hidden"> {task.title}</span>
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}

/** A task for the team: what to do, optionally for one party and by a day. */
function NewTaskForm({ space, onAdded }: { space: JitSpace; onAdded(entry: JitEntry): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const [saved, setSaved] = useState<string | null>(null);
  const form = useJitForm(
    async (data, element) => {
      setSaved(null);
      const title = fieldText(data, 'title');
      const assignedNode = fieldText(data, 'assignedNode');
      const due = fieldText(data, 'due');
      if (!title) throw new JitProblem('title_missing', 'title');
      const task: NewTask = { title };
      if (assignedNode) task.assignedNode = assignedNode;
      if (due) task.due = due;
      onAdded(await jitApi.addTask(space.id, task));
      element.reset();
      setSaved(t('cooperation.jit.tasks.added', { title: isolate(title) }));
    },
    { jit_party_unknown: 'assignedNode', invalid_request: 'due', jit_ended: 'title' },
  );
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('cooperation.jit.tasks.formTitle')}</h3>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved}
      </p>
      {form.error}
      <TextField
        label={t('cooperation.jit.tasks.task')}
        name="title"
        required
        maxLength={500}
        autoComplete="off"
        errorId={form.errorFor('title')}
      />
      <SelectField
        label={t('cooperation.jit.tasks.assignedNode')}
        hint={t('cooperation.jit.tasks.assignedHint')}
        name="assignedNode"
        defaultValue=""
        errorId={form.errorFor('assignedNode')}
      >
        <option value="">{t('cooperation.jit.tasks.anyParty')}</option>
        {space.parties.map((party) => (
          <option key={party} value={party}>
            {party}
          </option>
        ))}
      </SelectField>
      <TextField label={t('cooperation.jit.tasks.due')} name="due" type="date" errorId={form.errorFor('due')} />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.jit.working') : t('cooperation.jit.tasks.submit')}
      </button>
    </form>
  );
}
