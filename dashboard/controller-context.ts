/** Hands the controller to components without threading it through every prop. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Controller } from './controller.ts';

export const ControllerContext = createContext<Controller | null>(null);

export function useController(): Controller {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside <ControllerContext.Provider>');
  return controller;
}
