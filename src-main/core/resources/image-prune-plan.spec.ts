import { describe, expect, it } from 'vitest'
import { imagePrunePlan, toPreview, type ListedImage } from './image-prune-plan'

const image = (id: string, extra: Partial<ListedImage> = {}): ListedImage => ({
  Id: `sha256:${id}`,
  ParentId: '',
  RepoTags: ['<none>:<none>'],
  RepoDigests: ['<none>@<none>'],
  Size: 100,
  Labels: null,
  ...extra,
})
const ids = (images: ListedImage[]): string[] => images.map((i) => i.Id.replace('sha256:', '')).sort()

describe('imagePrunePlan', () => {
  const tagged = image('tagged', { RepoTags: ['web:1'] })
  const dangling = image('dangling')
  const danglingUsed = image('used')
  const digestOnly = image('digest', { RepoDigests: ['web@sha256:' + 'a'.repeat(64)] })
  const all = [tagged, dangling, danglingUsed, digestOnly]
  const used = new Set([danglingUsed.Id])

  it('without `all` removes untagged images no container uses, digest-only ones included', () => {
    expect(ids(imagePrunePlan(all, used, { all: false }))).toEqual(['dangling', 'digest'])
  })

  it('with `all` also removes tagged images no container uses', () => {
    expect(ids(imagePrunePlan(all, used, { all: true }))).toEqual(['dangling', 'digest', 'tagged'])
  })

  it('applies label filters to candidates as the engine does (presence or exact value)', () => {
    const a = image('a', { Labels: { team: 'x' } })
    const b = image('b', { Labels: { team: 'y' } })
    expect(ids(imagePrunePlan([a, b], new Set(), { all: false, labels: ['team=x'] }))).toEqual(['a'])
    expect(ids(imagePrunePlan([a, b], new Set(), { all: false, labels: ['team'] }))).toEqual(['a', 'b'])
    expect(ids(imagePrunePlan([a, b], new Set(), { all: false, labels: ['team', 'other'] }))).toEqual([])
  })

  it('keeps a parent while a child stays, and takes an untagged parent along with its last child', () => {
    const base = image('base', { RepoTags: ['base:1'] })
    const middle = image('middle', { ParentId: base.Id })
    const leaf = image('leaf', { ParentId: middle.Id, RepoTags: ['app:1'] })
    const chain = [base, middle, leaf]
    // With `all` the tagged ends are candidates; the untagged middle goes with the leaf, the base after it.
    expect(ids(imagePrunePlan(chain, new Set(), { all: true }))).toEqual(['base', 'leaf', 'middle'])
    // A container on the leaf holds the whole chain.
    expect(ids(imagePrunePlan(chain, new Set([leaf.Id]), { all: true }))).toEqual([])
    // Without `all` a tagged leaf stays, so nothing goes.
    expect(ids(imagePrunePlan(chain, new Set(), { all: false }))).toEqual([])
    // An untagged leaf goes; its untagged parent follows, the tagged base does not.
    const untaggedLeaf = image('leaf', { ParentId: middle.Id })
    expect(ids(imagePrunePlan([base, middle, untaggedLeaf], new Set(), { all: false }))).toEqual(['leaf', 'middle'])
  })

  it('counts each image only for what it adds to its parent', () => {
    const base = image('base', { Size: 100 })
    const leaf = image('leaf', { ParentId: base.Id, Size: 130 })
    const preview = toPreview([base, leaf], [base, leaf])
    expect(preview.spaceBytes).toBe(130)
    expect(preview.items.map((i) => i.sizeBytes)).toEqual([100, 130])
    expect(preview.items[0]!.label).toBe('<none> base')
  })
})
