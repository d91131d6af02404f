export { ImagePullService, type PullImageOptions, type PullOutcome, type PullProgress } from './image-pull-service'
export { engineTag, parseImageReference, type ImageReference } from './image-reference'
export { passwordContext, RegistryService } from './registry-service'
export { RegistryStore } from './registry-store'
