import type { ProjectStore } from '../projects/project-store'
import type { GitServiceTarget } from './push-matching'

/** Every service with a git source, read from the store each time (a few rows; always what is stored now). */
export function gitServiceTargets(store: Pick<ProjectStore, 'projects' | 'services'>): () => GitServiceTarget[] {
  return () =>
    store
      .projects()
      .flatMap((project) => store.services(project.id))
      .flatMap((service) =>
        service.spec.git
          ? [
              {
                id: service.id,
                projectId: service.projectId,
                git: service.spec.git,
                autoDeploy: service.spec.autoDeploy,
              },
            ]
          : [],
      )
}
