import { useFormContext, useWatch } from 'react-hook-form'
import { FormField } from './form-parts'
import type { ServiceFormValues } from './service-form-values'

/**
 * Where a git service's image is built from: repository and ref, the folder and Dockerfile inside it, the build
 * stage and arguments, and whether glinrdock follows the branch by polling (for servers GitHub cannot reach).
 */
export function GitSourceFields() {
  const { register } = useFormContext<ServiceFormValues>()
  const poll = useWatch<ServiceFormValues, 'git.poll'>({ name: 'git.poll' })
  return (
    <div className="field-grid two">
      <FormField
        path="git.url"
        label="Repository URL"
        hint="https, ssh (git@host:repo), git, or an absolute path on this machine"
      />
      <FormField path="git.ref" label="Branch, tag or commit" />
      <FormField path="git.context" label="Build folder (optional)" hint="Inside the repository" />
      <FormField path="git.dockerfile" label="Dockerfile (optional)" hint="Default Dockerfile" />
      <FormField path="git.target" label="Build stage (optional)" hint="A stage of a multi-stage Dockerfile" />
      <FormField
        path="git.buildArgs"
        label="Build arguments (optional)"
        hint="KEY=value, one per line. Not secret: they end up in the image's history."
      >
        {(props) => (
          <textarea
            {...props}
            {...register('git.buildArgs')}
            rows={3}
            spellCheck={false}
            placeholder="NODE_ENV=production"
          />
        )}
      </FormField>
      <div className="stack tight">
        <div className="checkbox">
          <input id="service-git-poll" type="checkbox" {...register('git.poll')} />
          <label htmlFor="service-git-poll">Check the branch for new commits (polling)</label>
        </div>
        <p className="hint">
          For a repository that cannot send GitHub webhooks to this server. Each new commit is built (and deployed when
          the service deploys automatically).
        </p>
      </div>
      {poll && (
        <FormField path="git.pollIntervalSeconds" label="Check every (seconds)" hint="15 to 86400; 60 when empty" />
      )}
    </div>
  )
}
