// Screens only some roles open (the banner studio, insights) are fetched when first shown, so
// every staff member's first load stays small. The screen's own words travel with it.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ScreenProps } from './types';

type Loader = () => Promise<ComponentType<ScreenProps>>;

export function lazyScreen(load: Loader): ComponentType<ScreenProps> {
  let loaded: ComponentType<ScreenProps> | undefined;
  return function LazyScreen(props: ScreenProps) {
    const [Screen, setScreen] = useState(() => loaded);
    useEffect(() => {
      if (Screen) return;
      load().then((screen) => {
        loaded = screen;
        setScreen(() => screen);
      }, props.fail);
    }, []);
    return Screen ? <Screen {...props} /> : <p aria-busy="true">{props.m.loading}</p>;
  };
}
