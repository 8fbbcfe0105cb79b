/** Checks of image repository settings, shared by the settings and the ContainerImage construct. */

/** Why a number of images to keep is refused, or undefined. */
export function keepImagesProblem(keepImages: number): string | undefined {
  return Number.isInteger(keepImages) && keepImages >= 1 && keepImages <= 1000 ? undefined : `keepImages ${keepImages} is out of range; keep from 1 to 1000 images`;
}
