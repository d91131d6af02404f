export { ImageService, type PruneQuery } from './image-service'
export { NetworkService } from './network-service'
export { ResourcesWatcher } from './resources-watcher'
export { VolumeService } from './volume-service'
