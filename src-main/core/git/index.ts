export { fetchCommit, lsRemote, type FetchedCommit, type GitOptions } from './git-fetch'
export { checkGitRef, gitProtocolOf, isFullCommitSha, redactGitUrl, type GitProtocol } from './git-url'
